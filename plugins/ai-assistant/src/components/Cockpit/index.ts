export { CockpitFrame } from './CockpitFrame';
export { cockpitViews, type CockpitView } from './cockpitViews';
