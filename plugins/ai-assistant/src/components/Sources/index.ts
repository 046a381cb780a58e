export { Sources } from './Sources';
