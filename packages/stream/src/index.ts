export { DeadLetterHeaders, Headers } from './headers.ts';
