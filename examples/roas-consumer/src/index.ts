export { type Following, type FollowOptions, followRoas } from './follow-roas.ts';
export { createRoasDecoder, type RoasWindow } from './roas-codec.ts';
export { RoasTable } from './roas-table.ts';
