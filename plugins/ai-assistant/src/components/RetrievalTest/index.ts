export { RetrievalTest, RETRIEVAL_TEST_VIEW } from './RetrievalTest';
export { WhyThisAnswer } from './WhyThisAnswer';
