export { CockpitFrame } from './CockpitFrame';
export { cockpitViews, type CockpitView } from './cockpitViews';
export {
  useCockpitNavigation,
  type CockpitNavigation,
} from './CockpitNavigation';
