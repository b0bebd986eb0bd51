// Workflow bundle for the operations tests (nightly refresh, rerun, replay): every workflow the
// workers register, plus nightlyRefresh until workflows/index.ts exports it.
export * from '../../workflows/index';
export { nightlyRefresh } from '../../workflows/nightly-refresh';
