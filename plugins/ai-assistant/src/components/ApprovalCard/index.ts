export { ApprovalCard } from './ApprovalCard';
export type { ApprovalCardProps } from './ApprovalCard';
