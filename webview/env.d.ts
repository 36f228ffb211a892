// Ambient module declarations for the webview bundle: esbuild emits imported CSS as dist/webview.css.
declare module '*.css';
