#!/usr/bin/env node
// Runs the TypeScript sources through tsx; the single binary (npm run build:binary) needs neither.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
