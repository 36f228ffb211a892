// The capture-scope NAT rules (scope 'capture', ids nat/...) in registry order: signalling, ALG, media.
import type { Rule } from '../types';
import type { CaptureRuleContext } from './context';
import { NAT_CAPTURE_SIGNALLING_RULES } from './signalling';
import { NAT_CAPTURE_ALG_RULES } from './alg';
import { NAT_CAPTURE_MEDIA_RULES } from './media';

export const CAPTURE_NAT_RULES: readonly Rule<CaptureRuleContext>[] = [...NAT_CAPTURE_SIGNALLING_RULES, ...NAT_CAPTURE_ALG_RULES, ...NAT_CAPTURE_MEDIA_RULES];
