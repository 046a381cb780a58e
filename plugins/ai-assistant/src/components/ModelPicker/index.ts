export { ModelPicker } from './ModelPicker';
