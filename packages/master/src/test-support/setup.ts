// Run before every test file: the file's MCIAS stand-in (started on first use) is stopped
// when the file's tests end.
import { afterAll } from 'vitest';

import { stopTestSecurity } from './security.js';

afterAll(() => stopTestSecurity());
