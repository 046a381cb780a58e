export { Message } from './Message';
export type { MessageProps } from './Message';
