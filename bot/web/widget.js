/* Harrow Support Assistant: web chat widget. No dependencies; served with widget.css.
 * Embed (one line; every data- attribute is optional):
 * <script src="https://ASSISTANT/chat/widget.js" data-server="https://ASSISTANT" data-language="en"
 *   data-title="Harrow Support Assistant" data-colour="#1d4f91" data-text-colour="#ffffff" defer></script>
 * Bot text is always rendered as text (never HTML); links only for http(s), tel: and mailto:.
 * The conversation lives in sessionStorage only: gone when the browser (tab) closes. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.HarrowSupportAssistant) return;
  var conf = script.dataset;
  var scriptUrl = new URL(script.getAttribute("src"), location.href);
  var server = (conf.server || scriptUrl.origin).replace(/\/+$/, "");
  var STORE = "hsa-conversation";
  var HISTORY = 100;
  var TIMEOUT_MS = 30000;
  var MAX_CHARS = 2000;
  var SAFE = ["http:", "https:", "tel:", "mailto:"];
  var RTL = ["ar", "ur", "fa", "he", "ps"];
  // English words until the server's catalog answers (and if it never does).
  var EN = {
    launcher: "Chat with the Harrow Support Assistant", title: "Harrow Support Assistant",
    close: "Close the chat",
    welcome: "Hello! Tell me, in your own words and in your own language, what help you are looking for.",
    privacy: "This conversation is kept only in this browser tab and is deleted when you close it.",
    input_label: "Your message", send: "Send", language: "Language", start_again: "Start again",
    delete: "Delete this conversation",
    delete_confirm: "Delete this conversation from this browser and from the assistant?",
    delete_yes: "Yes, delete it", delete_no: "No, keep it",
    deleted: "The conversation has been deleted.",
    delete_failed: "The conversation was deleted from this browser, but the assistant could not be reached to delete its copy. Please try again later.",
    typing: "The assistant is writing a reply…", you_said: "You said:", assistant_said: "Assistant:",
    unreachable: "Sorry, I couldn't reach the assistant. Your message is still in the box below: please try sending it again in a moment.",
    services: "Services", phone: "Phone", email: "Email", website: "Website", address: "Address",
    map: "Map", hours: "Opening times", languages: "Languages spoken", accessibility: "Accessibility",
    machine_translated: "Machine translated", sample: "Sample data: not real contact details",
    opens_new_tab: "(opens in a new tab)", open_now: "open now", closed_now: "closed now"
  };
  var ui = { language: "en", dir: "ltr", strings: EN, languages: [], language_names: {}, access_labels: {}, contact: "" };
  var cache = {};
  var state = restore() || fresh(conf.language || "");
  var busy = false;
  var dom = {};

  function fresh(language) {
    return { sender: newSender(), language: language, pending: language || "", messages: [], open: false, started: false };
  }
  function newSender() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return "web-" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function restore() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORE) || "null");
      return saved && typeof saved.sender === "string" && Array.isArray(saved.messages) ? saved : null;
    } catch (e) { return null; }
  }
  function save() {
    state.messages = state.messages.slice(-HISTORY);
    try { sessionStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* private mode: memory only */ }
  }
  function t(key) { return ui.strings[key] || EN[key] || key; }
  function dirOf(lang) {
    for (var i = 0; i < ui.languages.length; i++) if (ui.languages[i].code === lang) return ui.languages[i].dir;
    return RTL.indexOf(lang) >= 0 ? "rtl" : "ltr";
  }

  // --- building elements: text only, never innerHTML -------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }
  function sr(text) { return el("span", { class: "hsa-sr", text: text }); }
  function safeHref(href) {
    try {
      var url = new URL(href, location.href);
      return SAFE.indexOf(url.protocol) >= 0 ? url.href : null;
    } catch (e) { return null; }
  }
  // Addresses, numbers and emails are left-to-right even inside Arabic or Urdu text.
  function link(href, text, hidden, words) {
    var safe = safeHref(href);
    if (!safe) return document.createTextNode(text);
    var external = /^https?:/.test(safe);
    return el("a", { href: safe, dir: words ? null : "ltr", target: external ? "_blank" : null, rel: external ? "noopener noreferrer" : null },
      [text, hidden ? sr(" " + hidden) : null, external ? sr(" " + t("opens_new_tab")) : null]);
  }
  function telHref(number) {
    var digits = String(number).replace(/[^\d+]/g, "");
    return digits.length >= 3 ? "tel:" + digits : null;
  }
  var LINKS = /(https?:\/\/[^\s<>"']+)|([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)|(\+?44 ?\d{2,4} ?\d{3,4} ?\d{3,4}|\b0\d{2,4} ?\d{3,4} ?\d{3,4}\b)|(\b(?:999|111|116 ?123|116 ?117)\b)/g;
  // Text with its links made clickable (safe schemes only); emergency numbers only when asked.
  function linkify(text, emergency) {
    var frag = document.createDocumentFragment();
    var last = 0;
    String(text).replace(LINKS, function (match, url, email, phone, short, at) {
      if (short && !emergency) return match;
      var shown = match, tail = "";
      if (url) { var m = /[.,;:!?)\]]+$/.exec(match); if (m) { tail = m[0]; shown = match.slice(0, -tail.length); } }
      frag.appendChild(document.createTextNode(text.slice(last, at)));
      var href = url ? shown : email ? "mailto:" + email : telHref(shown);
      frag.appendChild(href ? link(href, shown) : document.createTextNode(shown));
      if (tail) frag.appendChild(document.createTextNode(tail));
      last = at + match.length;
      return match;
    });
    frag.appendChild(document.createTextNode(String(text).slice(last)));
    return frag;
  }
  function paragraphs(text, emergency) {
    return String(text || "").split(/\n+/).filter(function (line) { return line.trim(); }).map(function (line) {
      var p = el("p");
      p.appendChild(linkify(line, emergency));
      return p;
    });
  }

  // --- service cards -----------------------------------------------------------------------
  function field(label, content) {
    return content ? el("div", {}, [el("dt", { text: label }), el("dd", {}, [content])]) : null;
  }
  function names(list, table) {
    return (Array.isArray(list) ? list : []).map(function (x) { return table[x] || x; }).join(", ");
  }
  function card(s) {
    if (!s || typeof s !== "object") return null;
    var name = String(s.name || "");
    var badges = el("p", {}, [
      s.open_now === true ? el("span", { class: "hsa-badge hsa-open", text: t("open_now") }) : null,
      s.open_now === false ? el("span", { class: "hsa-badge hsa-closed", text: t("closed_now") }) : null,
      s.machine_translated ? el("span", { class: "hsa-badge hsa-mt", text: t("machine_translated") }) : null
    ]);
    // directory text is in English unless the contract says it was machine translated
    var source = s.machine_translated ? {} : { lang: "en", dir: "auto" };
    var where = [s.address, s.postcode].filter(Boolean).join(", ");
    var address = null;
    if (where) {
      address = el("span", {}, [el("span", source, [where]), " "]);
      address.appendChild(link("https://www.openstreetmap.org/search?query=" + encodeURIComponent(where), t("map"), "– " + name, true));
    }
    var web = null;
    if (s.url && safeHref(s.url)) {
      var host = s.url;
      try { host = new URL(s.url).hostname.replace(/^www\./, ""); } catch (e) { /* shown as given */ }
      web = link(s.url, host, "– " + name);
    }
    var tel = s.phone && telHref(s.phone);
    var description = s.description ? el("p", Object.assign({ text: shortText(s.description) }, source)) : null;
    return el("li", { class: "hsa-card" }, [
      el("h3", Object.assign({ text: name }, source)),
      badges.childNodes.length ? badges : null,
      description,
      el("dl", {}, [
        field(t("phone"), s.phone ? (tel ? link(tel, String(s.phone)) : el("span", { dir: "ltr" }, [String(s.phone)])) : null),
        field(t("email"), s.email ? link("mailto:" + s.email, String(s.email)) : null),
        field(t("website"), web),
        field(t("address"), address),
        field(t("hours"), s.opening_hours ? el("span", source, [String(s.opening_hours)]) : null),
        field(t("languages"), names(s.languages, ui.language_names) ? document.createTextNode(names(s.languages, ui.language_names)) : null),
        field(t("accessibility"), names(s.accessibility, ui.access_labels) ? document.createTextNode(names(s.accessibility, ui.access_labels)) : null)
      ]),
      // the directory's alert ("not running yet", "closed in August"), before anyone sets off
      s.note ? el("p", Object.assign({ class: "hsa-note", text: String(s.note) }, source)) : null,
      s.sample_data ? el("p", { class: "hsa-sample", text: t("sample") }) : null
    ]);
  }
  function shortText(text) {
    text = String(text).replace(/\s+/g, " ").trim();
    return text.length <= 220 ? text : text.slice(0, 220).replace(/\s+\S*$/, "") + "…";
  }

  // --- messages ----------------------------------------------------------------------------
  function botMessage(msg, index, used) {
    var custom = msg.custom && typeof msg.custom === "object" ? msg.custom : {};
    var lang = typeof custom.language === "string" ? custom.language : "en";
    var dir = custom.dir === "rtl" || custom.dir === "ltr" ? custom.dir : dirOf(lang);
    var crisis = custom.type === "crisis";
    var item = el("div", { class: "hsa-msg hsa-bot" + (crisis ? " hsa-crisis" : ""), lang: lang, dir: dir });
    item.appendChild(el("span", { class: "hsa-sr", lang: ui.language, text: t("assistant_said") + " " }));
    var services = custom.type === "services" && Array.isArray(custom.services) ? custom.services : null;
    if (services && custom.summary) {
      item.appendChild(el("p", { text: String(custom.summary) }));
      var cards = el("ul", { class: "hsa-cards", "aria-label": t("services") }, services.map(card));
      item.appendChild(cards);
      (Array.isArray(custom.notes) ? custom.notes : []).forEach(function (note) {
        item.appendChild(el("p", { class: "hsa-sample", text: String(note) }));
      });
    } else {
      paragraphs(msg.text, crisis).forEach(function (p) { item.appendChild(p); });
    }
    var buttons = Array.isArray(msg.buttons) ? msg.buttons : [];
    if (buttons.length) {
      var group = el("div", { class: "hsa-buttons", role: "group", "aria-label": t("assistant_said") });
      buttons.forEach(function (b) {
        if (!b || typeof b.title !== "string") return;
        var button = el("button", { type: "button", disabled: used, text: b.title });
        button.addEventListener("click", function () {
          if (busy) return;
          Array.prototype.forEach.call(group.querySelectorAll("button"), function (x) { x.disabled = true; });
          if (state.messages[index]) state.messages[index].used = true;
          send(typeof b.payload === "string" && b.payload ? b.payload : b.title, b.title);
          dom.input.focus();
        });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    return item;
  }
  function userMessage(text) {
    return el("div", { class: "hsa-msg hsa-user" }, [
      el("span", { class: "hsa-sr", text: t("you_said") + " " }),
      el("p", { dir: "auto", text: text })
    ]);
  }
  function notice(text, lang) {
    return el("div", { class: "hsa-msg hsa-bot hsa-notice", lang: lang || ui.language, dir: dirOf(lang || ui.language) }, paragraphs(text));
  }
  function render(entry, index) {
    return entry.who === "user" ? userMessage(entry.text) : botMessage(entry.msg || {}, index, !!entry.used);
  }
  function showAll() {
    dom.log.textContent = "";
    if (!state.messages.length) dom.log.appendChild(notice(t("welcome")));
    state.messages.forEach(function (entry, i) { dom.log.appendChild(render(entry, i)); });
    scrollDown();
  }
  function add(entry) {
    if (!state.messages.length) dom.log.textContent = "";
    state.messages.push(entry);
    var node = render(entry, state.messages.length - 1);
    dom.log.appendChild(node);
    save();
    scrollDown();
    return node;
  }
  function scrollDown() { dom.log.scrollTop = dom.log.scrollHeight; }

  // --- talking to the assistant ------------------------------------------------------------
  function request(method, path, body) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, TIMEOUT_MS);
    return fetch(server + path, {
      method: method, signal: controller && controller.signal, credentials: "omit",
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined
    }).then(function (response) {
      clearTimeout(timer);
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }, function (err) { clearTimeout(timer); throw err; });
  }
  function typing(on) {
    busy = on;
    dom.send.setAttribute("aria-disabled", on ? "true" : "false");
    dom.typing.textContent = "";
    if (on) {
      dom.typing.appendChild(document.createTextNode(t("typing") + " "));
      dom.typing.appendChild(el("span", { class: "hsa-dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]));
    }
  }
  function send(message, shown, language) {
    if (busy || !message.trim()) return false;
    var before = state.messages.length;
    add({ who: "user", text: shown || message });
    var metadata = language || state.pending;
    var body = { sender: state.sender, message: message };
    if (metadata) body.metadata = { language: metadata };
    state.started = true;
    typing(true);
    request("POST", "/webhooks/webchat/webhook", body).then(function (replies) {
      typing(false);
      state.pending = "";
      var first = null;
      (Array.isArray(replies) ? replies : []).forEach(function (msg) {
        if (!msg || typeof msg !== "object") return;
        var node = add({ who: "bot", msg: msg });
        first = first || node;
      });
      // read a long reply from its start, not its end
      if (first) dom.log.scrollTop = first.offsetTop - dom.log.offsetTop - 8;
      follow(replies);
    }, function () {
      typing(false);
      state.messages.length = before;
      save();
      if (dom.log.lastChild) dom.log.removeChild(dom.log.lastChild);  // the unsent message
      if (!shown) dom.input.value = message;
      dom.log.appendChild(notice(t("unreachable") + (ui.contact ? " " + ui.contact : "")));
      scrollDown();
    });
    return true;
  }
  // The conversation switched language (asked, or detected): the widget follows.
  function follow(replies) {
    for (var i = (replies || []).length - 1; i >= 0; i--) {
      var custom = replies[i] && replies[i].custom;
      if (custom && custom.type === "crisis") continue;
      var lang = custom && typeof custom.language === "string" ? custom.language : "en";
      if (lang !== ui.language && ui.languages.some(function (l) { return l.code === lang; })) {
        state.language = lang;
        save();
        loadStrings(lang);
      }
      return;
    }
  }
  function loadStrings(lang) {
    var apply = function (data) {
      if (!data || typeof data.strings !== "object") return;
      cache[data.language] = data;
      ui = data;
      label();
    };
    if (cache[lang || "en"]) return apply(cache[lang || "en"]);
    request("GET", "/webhooks/webchat/strings?language=" + encodeURIComponent(lang || "en")).then(apply, function () { /* keep English */ });
  }

  // --- the widget --------------------------------------------------------------------------
  function build() {
    var root = el("div", { class: "hsa", id: "hsa-root" });
    dom.root = root;
    dom.launcher = el("button", { type: "button", class: "hsa-launcher hsa-primary", "aria-expanded": "false", "aria-controls": "hsa-panel" });
    root.appendChild(el("div", { class: "hsa-launcher-wrap" }, [dom.launcher]));
    dom.title = el("h2", { id: "hsa-title" });
    dom.close = el("button", { type: "button", class: "hsa-close" }, [el("span", { "aria-hidden": "true", text: "×" })]);
    dom.langToggle = el("button", { type: "button", "aria-expanded": "false", "aria-controls": "hsa-langs" });
    dom.restart = el("button", { type: "button" });
    dom.forget = el("button", { type: "button" });
    dom.langs = el("ul", { class: "hsa-langs", id: "hsa-langs", hidden: true });
    dom.question = el("p", { id: "hsa-confirm-q" });
    dom.yes = el("button", { type: "button", class: "hsa-primary" });
    dom.no = el("button", { type: "button" });
    dom.confirm = el("div", { class: "hsa-confirm", role: "group", "aria-labelledby": "hsa-confirm-q", hidden: true }, [dom.question, dom.yes, dom.no]);
    dom.log = el("div", { class: "hsa-log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0", "aria-labelledby": "hsa-title" });
    dom.typing = el("p", { class: "hsa-typing", role: "status" });
    dom.inputLabel = el("label", { for: "hsa-input" });
    dom.input = el("input", { id: "hsa-input", type: "text", autocomplete: "off", dir: "auto", maxlength: String(MAX_CHARS) });
    dom.send = el("button", { type: "submit", class: "hsa-primary" });
    dom.form = el("form", { class: "hsa-form" }, [dom.inputLabel, dom.input, dom.send]);
    dom.privacy = el("p", { class: "hsa-privacy" });
    dom.panel = el("section", { class: "hsa-panel", id: "hsa-panel", role: "dialog", "aria-labelledby": "hsa-title", hidden: true }, [
      el("div", { class: "hsa-header" }, [dom.title, dom.close]),
      el("div", { class: "hsa-tools" }, [dom.langToggle, dom.restart, dom.forget]),
      dom.langs, dom.confirm, dom.log, dom.typing, dom.form, dom.privacy
    ]);
    root.appendChild(dom.panel);
    if (conf.colour) root.style.setProperty("--hsa-accent", conf.colour);
    if (conf.textColour) root.style.setProperty("--hsa-accent-text", conf.textColour);
    events();
    document.body.appendChild(root);
  }
  function label() {
    var title = conf.title || t("title");
    dom.root.setAttribute("lang", ui.language);
    dom.root.setAttribute("dir", ui.dir);
    dom.launcher.textContent = t("launcher");
    dom.title.textContent = title;
    dom.close.setAttribute("aria-label", t("close"));
    var current = ui.languages.filter(function (l) { return l.code === ui.language; })[0];
    dom.langToggle.textContent = t("language") + (current ? ": " + current.name : "");
    dom.restart.textContent = t("start_again");
    dom.forget.textContent = t("delete");
    dom.question.textContent = t("delete_confirm");
    dom.yes.textContent = t("delete_yes");
    dom.no.textContent = t("delete_no");
    dom.inputLabel.textContent = t("input_label");
    dom.send.textContent = t("send");
    dom.privacy.textContent = t("privacy");
    dom.langs.textContent = "";
    ui.languages.forEach(function (l) {
      var b = el("button", { type: "button", lang: l.code, dir: l.dir, "aria-pressed": l.code === ui.language ? "true" : "false", text: l.name });
      b.addEventListener("click", function () { choose(l); });
      dom.langs.appendChild(el("li", {}, [b]));
    });
    if (!state.messages.length) showAll();
  }
  function choose(language) {
    closeLanguages(false);
    if (busy) return;
    state.language = language.code;
    state.pending = "";
    save();
    loadStrings(language.code);
    send('/choose_language{"reply_language": "' + language.code + '"}', language.name, language.code);
    dom.input.focus();
  }
  function closeLanguages(focus) {
    dom.langs.hidden = true;
    dom.langToggle.setAttribute("aria-expanded", "false");
    if (focus) dom.langToggle.focus();
  }
  function showPanel(shown) {
    dom.panel.hidden = !shown;
    dom.launcher.parentNode.hidden = shown;
    dom.launcher.setAttribute("aria-expanded", shown ? "true" : "false");
    state.open = shown;
    save();
  }
  function open() {
    showPanel(true);
    scrollDown();
    dom.input.focus();
  }
  function close() {
    showPanel(false);
    dom.launcher.focus();
  }
  function startAgain(message) {
    var language = state.language;
    state = fresh(language || "");
    state.open = true;
    try { sessionStorage.removeItem(STORE); } catch (e) { /* nothing stored */ }
    save();
    showAll();
    dom.typing.textContent = message || "";
    dom.input.value = "";
    dom.input.focus();
  }
  function forget() {
    dom.confirm.hidden = true;
    var sender = state.sender, started = state.started;
    startAgain(started ? "" : t("deleted"));
    if (!started) return;
    request("POST", "/webhooks/webchat/forget", { sender: sender }).then(function () {
      dom.typing.textContent = t("deleted");
    }, function () {
      dom.typing.textContent = t("delete_failed");
    });
  }
  function events() {
    dom.launcher.addEventListener("click", open);
    dom.close.addEventListener("click", close);
    dom.langToggle.addEventListener("click", function () {
      var opening = dom.langs.hidden;
      dom.langs.hidden = !opening;
      dom.langToggle.setAttribute("aria-expanded", opening ? "true" : "false");
      if (opening) {
        var first = dom.langs.querySelector('[aria-pressed="true"]') || dom.langs.querySelector("button");
        if (first) first.focus();
      }
    });
    dom.restart.addEventListener("click", function () { if (!busy) startAgain(""); });
    dom.forget.addEventListener("click", function () { dom.confirm.hidden = false; dom.no.focus(); });
    dom.no.addEventListener("click", function () { dom.confirm.hidden = true; dom.forget.focus(); });
    dom.yes.addEventListener("click", function () { if (!busy) forget(); });
    dom.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = dom.input.value;
      if (send(text)) dom.input.value = "";
    });
    dom.panel.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" && event.key !== "Esc") return;
      event.preventDefault();
      if (!dom.langs.hidden) closeLanguages(true);
      else if (!dom.confirm.hidden) { dom.confirm.hidden = true; dom.forget.focus(); }
      else close();
    });
  }
  function start() {
    build();
    ui.language = "en";
    label();
    showAll();
    loadStrings(state.language || "en");
    if (state.open) showPanel(true);
    if (!document.querySelector("link[data-hsa-style]")) {
      document.head.appendChild(el("link", { rel: "stylesheet", href: new URL("widget.css", scriptUrl).href, "data-hsa-style": "" }));
    }
    window.HarrowSupportAssistant = { open: open, close: close, sender: function () { return state.sender; } };
  }
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
