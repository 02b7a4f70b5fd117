// The cal.com embed loader double, written for these tests (not cal.com code), served as
// `<origin>/embed/embed.js` to the browser tests.
// It follows @calcom/embed-core 1.5.3 (dist/embed/embed.js) for everything a page can see:
//   - it takes over the queues that @calcom/embed-snippet's `window.Cal` stub filled
//     (`Cal.q`, `Cal.ns[ns].q`, with `["initNamespace", ns]` on the global queue) and then
//     runs later calls at once (the queues' `push` is replaced);
//   - instructions: init, initNamespace, inline, modal, on, off, ui, preload, prerender;
//   - `inline` puts `<cal-inline>` with an iframe into the element (class
//     `cal-inline-container` on it), at `<origin>/<calLink>/embed?embed=<ns>&<config>`; the
//     iframe stays hidden until the page in it says `__iframeReady`;
//   - events are CustomEvents on window named `CAL:<ns>:<action>` (`CAL::<action>` without a
//     namespace), detail `{type, namespace, fullType, data}`, each also fired as `CAL:<ns>:*`;
//     `on` adds a window listener for that name. The page in the iframe reports events with
//     postMessage (`{type, namespace, fullType, data}`), which this re-fires;
//   - `linkReady` sets `loading="done"` on `<cal-inline>`, `linkFailed` sets `loading="failed"`;
//   - a click inside any element with `data-cal-link` opens that link in a modal (a real
//     embed.js behaviour pages must keep in mind).
(function () {
  "use strict";
  const globalCal = window.Cal;
  if (!globalCal || !globalCal.q) throw new Error("Cal is not defined. This shouldn't happen");
  const DEFAULT_ORIGIN = "https://app.cal.com";
  const managers = {};

  function fullName(namespace, name) {
    return namespace ? `CAL:${namespace}:${name}` : `CAL::${name}`;
  }

  class ActionManager {
    constructor(namespace) {
      this.namespace = namespace || "";
    }
    fire(name, data) {
      const fullType = fullName(this.namespace, name);
      const detail = { type: name, namespace: this.namespace, fullType, data };
      window.dispatchEvent(new CustomEvent(fullType, { detail }));
      window.dispatchEvent(new CustomEvent(fullName(this.namespace, "*"), { detail }));
    }
    on(name, callback) {
      window.addEventListener(fullName(this.namespace, name), callback);
    }
    off(name, callback) {
      window.removeEventListener(fullName(this.namespace, name), callback);
    }
  }

  function check(arg, props) {
    if (!arg || typeof arg !== "object") throw new Error("Instruction needs an object argument");
    for (const [name, types] of Object.entries(props)) {
      const value = arg[name];
      const ok = types.some((t) => (t === HTMLElement ? value instanceof HTMLElement : typeof value === t));
      if (!ok) throw new Error(`"${name}" is required and must be ${types.map((t) => (t === HTMLElement ? "HTMLElement" : t)).join(" or ")}`);
    }
  }

  class Api {
    constructor(cal) {
      this.cal = cal;
    }
    init(namespaceOrConfig, config = {}) {
      let namespace = "";
      if (typeof namespaceOrConfig !== "string") config = namespaceOrConfig || {};
      else namespace = namespaceOrConfig;
      if (namespace !== this.cal.namespace) return;
      const { calOrigin, origin, ...rest } = config;
      this.cal.config.calOrigin = calOrigin || origin || this.cal.config.calOrigin;
      this.cal.config = { ...this.cal.config, ...rest };
    }
    initNamespace(namespace) {
      const ns = globalCal.ns[namespace];
      ns.instance = ns.instance || new Instance(namespace, ns.q);
    }
    inline(arg) {
      check(arg, { calLink: ["string"], elementOrSelector: ["string", HTMLElement] });
      const { calLink, elementOrSelector } = arg;
      let config = arg.config || {};
      if (this.cal.inlineEl && document.body.contains(this.cal.inlineEl)) {
        console.warn("Inline embed already exists. Ignoring this call");
        return;
      }
      const element = elementOrSelector instanceof HTMLElement ? elementOrSelector : document.querySelector(elementOrSelector);
      if (!element) throw new Error("Element not found");
      config = { ...config, embedType: "inline" };
      const iframe = this.cal.createIframe(calLink, config);
      iframe.style.height = "100%";
      iframe.style.width = "100%";
      element.classList.add("cal-inline-container");
      const inline = document.createElement("cal-inline");
      inline.setAttribute("loading", "loading");
      inline.style.cssText = "max-height:inherit;height:inherit;min-height:inherit;display:flex;position:relative;flex-wrap:wrap;width:100%";
      inline.appendChild(iframe);
      this.cal.inlineEl = inline;
      element.appendChild(inline);
    }
    modal(arg) {
      const { calLink, config = {} } = arg || {};
      if (document.querySelector("cal-modal-box")) return;
      const iframe = this.cal.createIframe(calLink, { ...config, embedType: "modal" }, arg.calOrigin || null);
      iframe.style.height = "100%";
      iframe.style.width = "100%";
      const box = document.createElement("cal-modal-box");
      box.setAttribute("state", "loading");
      box.appendChild(iframe);
      this.cal.modalBox = box;
      document.body.appendChild(box);
    }
    floatingButton() {
      throw new Error("floatingButton is not part of the embed double");
    }
    on(arg) {
      check(arg, { action: ["string"], callback: ["function"] });
      this.cal.actionManager.on(arg.action, arg.callback);
    }
    off(arg) {
      this.cal.actionManager.off(arg.action, arg.callback);
    }
    ui(arg) {
      check(arg, {});
      this.cal.doInIframe({ method: "ui", arg });
    }
    preload() {}
    prerender() {}
  }

  class Instance {
    constructor(namespace, queue) {
      this.namespace = namespace;
      this.config = { calOrigin: DEFAULT_ORIGIN };
      this.iframe = null;
      this.iframeReady = false;
      this.iframeDoQueue = [];
      this.api = new Api(this);
      this.actionManager = new ActionManager(namespace);
      managers[namespace] = this.actionManager;
      this.processQueue(queue);
      this.actionManager.on("__dimensionChanged", (e) => {
        const data = e.detail.data;
        if (this.iframe && data.iframeHeight) this.iframe.style.height = `${data.iframeHeight}px`;
      });
      this.actionManager.on("__iframeReady", () => {
        this.iframeReady = true;
        if (this.iframe) this.iframe.style.visibility = "";
        this.doInIframe({ method: "parentKnowsIframeReady" });
        this.iframeDoQueue.forEach((item) => this.doInIframe(item));
      });
      this.actionManager.on("linkReady", () => {
        if (this.modalBox) this.modalBox.setAttribute("state", "loaded");
        if (this.inlineEl) this.inlineEl.setAttribute("loading", "done");
      });
      this.actionManager.on("linkFailed", (e) => {
        if (!this.iframe) return;
        if (this.inlineEl) {
          this.inlineEl.setAttribute("data-error-code", e.detail.data.code);
          this.inlineEl.setAttribute("loading", "failed");
        }
        if (this.modalBox) this.modalBox.setAttribute("state", "failed");
      });
    }
    processInstruction(instruction) {
      const args = [].slice.call(instruction);
      if (typeof args[0] !== "string") {
        args.forEach((i) => this.processInstruction(i));
        return;
      }
      const [method, ...rest] = args;
      if (!this.api[method]) console.log(`Instruction ${method} not FOUND`);
      try {
        this.api[method](...rest);
      } catch (err) {
        console.log("Instruction couldn't be executed", err);
      }
    }
    processQueue(queue) {
      queue.forEach((instruction) => this.processInstruction(instruction));
      queue.splice(0);
      queue.push = (instruction) => this.processInstruction(instruction);
    }
    createIframe(calLink, config, calOrigin) {
      const iframe = (this.iframe = document.createElement("iframe"));
      iframe.className = "cal-embed";
      iframe.name = `cal-embed=${this.namespace}`;
      iframe.title = "Book a call";
      const { iframeAttrs, ...params } = config;
      if (iframeAttrs && iframeAttrs.id) iframe.setAttribute("id", iframeAttrs.id);
      const origin = (calOrigin || this.config.calOrigin || "").replace("https://cal.com", "https://app.cal.com");
      const url = new URL(`${origin}/${calLink}`);
      if (!url.pathname.endsWith("embed")) url.pathname = `${url.pathname}/embed`;
      url.searchParams.set("embed", this.namespace);
      for (const [key, value] of Object.entries(params)) {
        if (value === undefined) continue;
        if (Array.isArray(value)) value.forEach((v) => url.searchParams.append(key, v));
        else url.searchParams.set(key, value);
      }
      iframe.style.visibility = "hidden";
      iframe.src = url.toString();
      return iframe;
    }
    doInIframe(item) {
      if (!this.iframeReady) {
        this.iframeDoQueue.push(item);
        return;
      }
      if (this.iframe && this.iframe.contentWindow) {
        this.iframe.contentWindow.postMessage({ originator: "CAL", method: item.method, arg: item.arg }, "*");
      }
    }
  }

  globalCal.fingerprint = "e2e-double";
  globalCal.version = "1.5.3";
  globalCal.config = globalCal.config || {};
  globalCal.instance = new Instance("", globalCal.q);
  for (const [namespace, ns] of Object.entries(globalCal.ns)) {
    ns.instance = ns.instance || new Instance(namespace, ns.q);
  }

  window.addEventListener("message", (e) => {
    const data = e.data;
    const fullType = data && data.fullType;
    if (typeof fullType !== "string") return;
    const [prefix, namespace, type] = fullType.split(":");
    if (prefix !== "CAL") return;
    const manager = managers[namespace];
    if (!manager) throw new Error(`Unhandled Action ${fullType}`);
    manager.fire(type, data.data);
  });

  document.addEventListener("click", (e) => {
    const target = e.target;
    if (!(target instanceof HTMLElement)) return;
    const element = target.dataset.calLink ? target : [...document.querySelectorAll("[data-cal-link]")].find((el) => el.contains(target));
    if (!(element instanceof HTMLElement)) return;
    const namespace = element.dataset.calNamespace;
    const cal = namespace ? globalCal.ns[namespace] : globalCal;
    if (!cal) throw new Error(`Namespace ${namespace} isn't defined`);
    let config = {};
    try {
      config = JSON.parse(element.dataset.calConfig || "");
    } catch {
      config = {};
    }
    cal("modal", { calLink: element.dataset.calLink, config, calOrigin: element.dataset.calOrigin || "" });
  });
})();
