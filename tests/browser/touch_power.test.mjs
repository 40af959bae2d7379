// Phones and power: a tap works on the first touch at 360×640 and DPR 3, a finger drag scrolls,
// and an idle course draws no frames at all.
import { openCourse, assert, waitForItem, findItem, settle } from "./harness.mjs";

export const tests = [
  {
    name: "tap and drag on a 360×640 phone at devicePixelRatio 3",
    async run({ browser }) {
      const context = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 3, hasTouch: true, isMobile: true });
      const h = await openCourse({ browser, context });
      try {
        await h.ready();
        const lessons = await waitForItem(h.page, "Lessons");
        await h.page.touchscreen.tap(lessons.x + lessons.w / 2, lessons.y + lessons.h / 2);
        const entry = await waitForItem(h.page, "Replication Strategies, locked", { timeout: 5000 });
        assert(entry.visible && entry.x < 360, "one tap opens the lesson list");
        await h.shot("phone-lesson-list");
        await h.page.touchscreen.tap(lessons.x + lessons.w / 2, lessons.y + lessons.h / 2);  // closes it
        await settle(h.page);

        const before = await h.page.evaluate(() => window.DBC.items.find((i) => i.role === "radio").y);
        const cdp = await h.context.newCDPSession(h.page);
        const touch = (type, y) => cdp.send("Input.dispatchTouchEvent", { type, touchPoints: type === "touchEnd" ? [] : [{ x: 180, y }] });
        await touch("touchStart", 500);
        for (let y = 480; y >= 200; y -= 20) await touch("touchMove", y);
        await touch("touchEnd");
        await settle(h.page);
        const after = await h.page.evaluate(() => window.DBC.items.find((i) => i.role === "radio").y);
        assert(before - after > 150, `dragging up 300 px scrolls the lesson (moved ${before - after} px)`);
        assert(h.errors.length === 0, "console errors: " + h.errors.join(" | "));
      } finally {
        await h.close();
      }
    },
  },
  {
    name: "no frames are drawn while nothing moves",
    async run({ browser }) {
      const h = await openCourse({ browser });
      try {
        await h.ready();
        await settle(h.page);
        await h.page.waitForTimeout(500);
        const start = await h.page.evaluate(() => window.DBC.drawnFrames);
        await h.page.waitForTimeout(3000);
        const idle = (await h.page.evaluate(() => window.DBC.drawnFrames)) - start;
        assert(idle === 0, `idle for 3 s drew ${idle} frames`);
        await h.page.mouse.move(600, 400);
        await h.page.mouse.wheel(0, 300);
        await settle(h.page);
        const moved = (await h.page.evaluate(() => window.DBC.drawnFrames)) - start;
        assert(moved > 0, "input draws frames again");
        console.log(`        idle: 0 frames in 3 s; after a wheel event: ${moved} frames`);
      } finally {
        await h.close();
      }
    },
  },
];
