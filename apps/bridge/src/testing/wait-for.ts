/** The project's one `waitFor` (from the QMP library's test helpers): tests wait for states, never for fixed times. */
export { waitFor } from '@qmpdeck/qmp/testing';
