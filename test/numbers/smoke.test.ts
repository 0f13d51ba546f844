import { test } from 'node:test';
import assert from 'node:assert/strict';
import { divide } from '../../src/numbers/index.js';

test('smoke', () => {
  assert.equal(divide(-7n, 2n, 'floor'), -4n);
});
