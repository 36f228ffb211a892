// References shared by the capture NAT rules: RFC sections and the documented practice (Kamailio nathelper) they
// implement, as RuleRef values with links.
import type { RuleRef } from '../types';
import { rfcRef } from '../types';

export const NAT_UAC_TEST: RuleRef = {
  title: 'Kamailio nathelper nat_uac_test (flags 2, 16, 32, 64)',
  url: 'https://www.kamailio.org/docs/modules/stable/modules/nathelper.html#nathelper.f.nat_uac_test',
};

export const NATHELPER_FIX_CONTACT: RuleRef = {
  title: 'Kamailio nathelper fix_nated_contact / fix_nated_register',
  url: 'https://www.kamailio.org/docs/modules/stable/modules/nathelper.html#nathelper.f.fix_nated_contact',
};

export const R3261_RECEIVED = rfcRef(3261, '18.2.1');
export const R3261_RESPONSES = rfcRef(3261, '18.2.2');
export const R3261_CONTACT = rfcRef(3261, '12.1.1');
export const R3261_RECORD_ROUTE = rfcRef(3261, '16.6');
export const R3261_INVITE_CLIENT = rfcRef(3261, '17.1.1.2');
export const R3261_NON_INVITE_CLIENT = rfcRef(3261, '17.1.2.2');
export const R3581_CLIENT = rfcRef(3581, '3');
export const R3581_SERVER = rfcRef(3581, '4');
export const R4787_MAPPING = rfcRef(4787, '4.1');
export const R4787_REFRESH = rfcRef(4787, '4.3');
export const R4787_ALG = rfcRef(4787, '7');
export const R5626_CRLF = rfcRef(5626, '3.5.1');
export const R5626_STUN = rfcRef(5626, '3.5.2');
export const R6314 = rfcRef(6314);
export const R8866_C = rfcRef(8866, '5.7');
export const R3264_OFFER = rfcRef(3264, '5');
export const R4961 = rfcRef(4961);
export const R7362 = rfcRef(7362);
export const R792 = rfcRef(792);
export const R4443_UNREACH = rfcRef(4443, '3.1');
export const R3261_CL = rfcRef(3261, '18.3');
