export { FeedbackReview } from './FeedbackReview';
