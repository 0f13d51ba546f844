import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderHtmlReport } from '../../src/simulator/report/index.js';
import { buildReport } from './reportFixture.js';

/**
 * Renders the HTML report in a real headless Chromium (the Debian `chromium` package, driven by
 * playwright-core) and checks that every chart drew. Without a Chromium this fails in CI with how to install one
 * and is skipped elsewhere (or whenever BULWARK_SKIP_BROWSER=1).
 */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const fromEnv = process.env.CHROMIUM_PATH;
const executablePath =
  fromEnv !== undefined && fromEnv !== '' ? fromEnv : CANDIDATES.find((path) => existsSync(path));
// In CI (.ci/run installs Debian's chromium) a missing browser fails the test; on a developer's machine without
// one the test is skipped with how to install it, so `npm ci && npm test` holds on a bare machine.
const skip =
  process.env.BULWARK_SKIP_BROWSER === '1'
    ? 'BULWARK_SKIP_BROWSER=1: the headless-browser test is skipped'
    : executablePath === undefined && (process.env.CI ?? '') === ''
      ? 'no Chromium on this machine: `apt-get install -y chromium` (or CHROMIUM_PATH=…) runs this test; CI fails without one'
      : false;

const KINDS = ['price', 'liquidations', 'fund', 'adl'];

/**
 * The few browser APIs the page functions below use, typed here because the project compiles without the DOM
 * library (so no engine code can reach for `window` by accident).
 */
interface PagePath {
  getAttribute(name: string): string | null;
  getBBox(): { readonly width: number };
  getTotalLength(): number;
  closest(selector: string): { getAttribute(name: string): string | null } | null;
}
interface PageCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    drawImage(image: unknown, x: number, y: number): void;
    getImageData(x: number, y: number, width: number, height: number): { readonly data: ArrayLike<number> };
  } | null;
}
interface PageGlobals {
  readonly document: { createElement(tag: 'canvas'): PageCanvas };
  readonly Image: new () => {
    src: string;
    readonly width: number;
    readonly height: number;
    decode(): Promise<void>;
  };
}
const RULEBOOKS = ['binance', 'bybit', 'dydx'];

describe('HTML report in headless Chromium', { skip }, () => {
  let browser: Browser | undefined;
  let page: Page;
  let directory: string | undefined;
  const problems: string[] = [];

  before(async () => {
    assert.ok(
      executablePath !== undefined && existsSync(executablePath),
      `No Chromium found (CHROMIUM_PATH=${fromEnv ?? 'unset'}; tried ${CANDIDATES.join(', ')}). ` +
        'Install it with `apt-get install -y chromium` (Debian/Ubuntu), or point CHROMIUM_PATH at a Chromium ' +
        'or Chrome binary, or set BULWARK_SKIP_BROWSER=1 to skip this test.',
    );
    directory = mkdtempSync(join(tmpdir(), 'bulwark-report-'));
    const file = join(directory, 'report.html');
    writeFileSync(file, renderHtmlReport(buildReport()));
    // CI runs as root, where Chromium's sandbox cannot start.
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) problems.push(`network request: ${request.url()}`);
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  });

  after(async () => {
    await browser?.close();
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  });

  test('every chart is visible with a non-zero size', async () => {
    assert.equal(await page.locator('svg[data-chart]').count(), KINDS.length);
    for (const kind of KINDS) {
      const chart = page.locator(`svg[data-chart="${kind}"]`);
      assert.equal(await chart.isVisible(), true, kind);
      const box = await chart.boundingBox();
      assert.ok(box !== null && box.width > 100 && box.height > 100, `${kind}: ${JSON.stringify(box)}`);
    }
  });

  test('every data line has a path that drew across the chart', async () => {
    const lines = await page.$$eval('svg[data-chart] path[data-series]', (paths) =>
      paths.map((path) => {
        const svgPath = path as unknown as PagePath;
        const box = svgPath.getBBox();
        const chart = svgPath.closest('svg')?.getAttribute('data-chart') ?? '';
        return {
          chart,
          series: svgPath.getAttribute('data-series') ?? '',
          d: svgPath.getAttribute('d') ?? '',
          width: box.width,
          length: svgPath.getTotalLength(),
        };
      }),
    );
    assert.equal(lines.length, 1 + 3 * RULEBOOKS.length);
    for (const line of lines) {
      assert.ok(line.d.length > 0, `${line.chart}/${line.series}: empty d`);
      assert.ok(line.width > 100, `${line.chart}/${line.series}: bbox width ${line.width}`);
      assert.ok(line.length > 0, `${line.chart}/${line.series}: zero length`);
    }
    for (const kind of ['liquidations', 'fund', 'adl']) {
      assert.deepEqual(
        lines.filter((line) => line.chart === kind).map((line) => line.series),
        RULEBOOKS,
        kind,
      );
    }
  });

  test('hovering a chart shows the tooltip with every run', async () => {
    const hit = page.locator('svg[data-chart="liquidations"] rect.hit');
    const box = await hit.boundingBox();
    assert.ok(box !== null);
    await hit.hover({ position: { x: box.width * 0.75, y: box.height / 2 } });
    const tooltip = page.locator('#tooltip');
    assert.equal(await tooltip.isVisible(), true);
    const text = await tooltip.innerText();
    assert.match(text, /2020-03-12 \d\d:\d\d UTC/);
    for (const rulebook of RULEBOOKS) assert.match(text, new RegExp(`${rulebook}: [0-9,.]+ USDT`));
    await page.mouse.move(0, 0);
    assert.equal(await tooltip.isVisible(), false);
  });

  test('the page drew pixels and raised no errors or requests', async () => {
    const png = await page.locator('svg[data-chart="price"]').screenshot();
    // A blank render is one colour: its PNG compresses to almost nothing, and a drawn chart does not.
    assert.ok(png.length > 5000, `price chart screenshot is only ${png.length} bytes`);
    const colours = await page.evaluate(async (data) => {
      const { document, Image } = globalThis as unknown as PageGlobals;
      const image = new Image();
      image.src = `data:image/png;base64,${data}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d');
      if (context === null) return 0;
      context.drawImage(image, 0, 0);
      const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < pixels.length; i += 4) {
        seen.add(((pixels[i] ?? 0) << 16) | ((pixels[i + 1] ?? 0) << 8) | (pixels[i + 2] ?? 0));
      }
      return seen.size;
    }, png.toString('base64'));
    assert.ok(colours > 10, `price chart screenshot has ${colours} colours`);
    assert.deepEqual(problems, []);
  });
});
