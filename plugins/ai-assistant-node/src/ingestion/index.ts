export * from './fileFilter';
export * from './entityRefsByAnnotation';
export * from './ingestRepositoryFiles';
export * from './catalogQueryConfig';
