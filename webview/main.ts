// Webview entry point (bundled to dist/webview.js): acquire the VS Code API once and start the capture editor page.
import './style.css';
import { App } from './app';
import type { VsCodeApi } from './messenger';

declare function acquireVsCodeApi(): VsCodeApi;

const root = document.getElementById('app');
if (root) new App(root, acquireVsCodeApi()).start();
