export { ModelReachabilityNotice } from './ModelReachabilityNotice';
