/**
 * Entry point of the site's single script (bundled by esbuild into static/dist/app.js).
 * Behaviour is attached by data- attributes through document-level listeners, so it keeps
 * working when htmx replaces parts of the page (including a history restore of the body).
 */
import htmx from "htmx.org";
import { initAdminConfirm } from "./admin-confirm";
import { initAdminErrorSummary } from "./admin-error-summary";
import { initAdminHistory } from "./admin-history";
import { initBookingStatus } from "./booking-status";
import { initCalEmbed } from "./cal-embed";
import { initCharCount } from "./char-count";
import { initDialog } from "./dialog";
import { initFilters } from "./filters";
import { initLocalTime } from "./local-time";
import { initPrintButton } from "./print-button";
import { initUploadProgress } from "./upload-progress";

document.documentElement.classList.add("js");

// Set before htmx initialises (on DOMContentLoaded, which fires after module scripts ran).
// No inline <style> from htmx: the indicator styles live in our CSS, so the CSP can forbid
// inline styles in elements.
htmx.config.includeIndicatorStyles = false;
// htmx copies `style` attributes while settling a swap, with setAttribute: the CSP (no inline
// styles) refuses that, and none of our swapped elements carry one anyway.
htmx.config.attributesToSettle = ["class", "width", "height"];
// No eval: trigger filters and hx-on need it, and the CSP will not allow it. Use ts/ instead.
htmx.config.allowEval = false;
// Fragments never carry scripts; this also keeps a dev live-reload snippet, should one be
// injected into a fragment, from running twice.
htmx.config.allowScriptTags = false;
// On back/forward without a cached snapshot, reload the real page rather than asking the
// server for it with HX-Request (which would return a bare fragment).
htmx.config.refreshOnHistoryMiss = true;
htmx.config.historyRestoreAsHxRequest = false;

initDialog();
initFilters();
initLocalTime();
initUploadProgress();
initCharCount();
initBookingStatus();
initCalEmbed();
initAdminConfirm();
initAdminErrorSummary();
initAdminHistory();
initPrintButton();
