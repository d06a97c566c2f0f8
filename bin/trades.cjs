#!/usr/bin/env node
'use strict';
// `npx trades` runs this file with plain Node: tsx compiles the TypeScript entry in this process, as
// `npx tsx bin/app.ts` runs the CDK app, so the CLI needs no build step after `npm ci`.
require('tsx/cjs/api').register();
require('./trades.ts');
