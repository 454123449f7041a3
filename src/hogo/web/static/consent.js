/* hogo consent banner: <script src="https://hogo.example/consent.js" defer></script>
 *
 * Statistics and advertising tags stay inert until the visitor allows them (G-20):
 *   <script type="text/plain" data-hogo-category="statistics" src="..."></script>
 *   <iframe data-hogo-category="advertising" data-src="..."></iframe>
 * Every choice is sent to hogo's ledger (POST /v1/consent) and kept in the first-party
 * cookie hogo_consent. Global Privacy Control turns advertising off (G-10). The texts, the
 * cookie uses and every tag's destination, data and purpose come from
 * GET /v1/consent/config. Any element with data-hogo-open opens the preferences again.
 * No dependencies; no inline event handlers; styles in a shadow root.
 */
(function () {
  "use strict";
  var me = document.currentScript;
  var base = new URL(me ? me.src : "/consent.js", location.href).origin;
  var member = me ? me.getAttribute("data-member-token") : null;
  var NAME = "hogo_consent";
  var gpc = navigator.globalPrivacyControl === true;
  var lang = /^ja\b/i.test(navigator.language || "") ? "ja" : "en";
  var config, saved, draft, host, shadow, view;
  var ran = {};
  var CSS =
    ":host{all:initial}" +
    ".box{position:fixed;z-index:2147483000;left:1rem;right:1rem;bottom:1rem;max-width:44rem;" +
    "margin:0 auto;max-height:85vh;overflow:auto;background:#fff;color:#1d2330;" +
    "font:15px/1.6 'Noto Sans CJK JP','Noto Sans JP',system-ui,sans-serif;border:1px solid #c9d0dc;" +
    "border-radius:8px;box-shadow:0 6px 24px rgba(0,0,0,.18);padding:1rem 1.25rem}" +
    "h2{font-size:1.1rem;margin:0 0 .5rem}p{margin:.4rem 0}ul{margin:.3rem 0;padding-left:1.3rem}" +
    ".row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin-top:.75rem}" +
    "button{font:inherit;padding:.45rem 1rem;border-radius:5px;border:1px solid #1f5fbf;" +
    "background:#fff;color:#1f5fbf;cursor:pointer}button.main{background:#1f5fbf;color:#fff}" +
    "button:focus-visible,input:focus-visible{outline:3px solid #f0b400;outline-offset:2px}" +
    ".langs{margin-left:auto}.langs button{border:0;padding:.2rem .4rem;text-decoration:underline}" +
    ".langs button[aria-pressed=true]{font-weight:700;text-decoration:none;color:#1d2330}" +
    "fieldset{border:1px solid #d9dee8;border-radius:6px;margin:.6rem 0;padding:.5rem .75rem}" +
    "label{display:flex;gap:.5rem;align-items:center;font-weight:700}" +
    ".on{font-weight:400;color:#5b6475;font-size:.85rem}" +
    ".gpc{background:#fff1e0;color:#8a4b00;padding:.3rem .5rem;border-radius:4px}" +
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .75rem;margin:.4rem 0;" +
    "font-size:.85rem}dt{color:#5b6475}dd{margin:0}h4{font-size:.9rem;margin:.5rem 0 0}" +
    ".reopen{position:fixed;z-index:2147483000;left:1rem;bottom:1rem;font-size:.8rem;" +
    "padding:.25rem .6rem;box-shadow:0 2px 8px rgba(0,0,0,.15)}";

  function text(value) {
    return value[lang];
  }

  function say(key) {
    return text(config.texts[key]);
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (attrs[key] === true) node.setAttribute(key, "");
      else if (attrs[key] !== false && attrs[key] != null) node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function button(label, action, attrs) {
    var node = el("button", Object.assign({ type: "button" }, attrs), [label]);
    node.addEventListener("click", action);
    return node;
  }

  function readCookie() {
    var found = document.cookie.match(/(?:^|;\s*)hogo_consent=([^;]*)/);
    if (!found) return null;
    try {
      return JSON.parse(decodeURIComponent(found[1]));
    } catch (error) {
      return null;
    }
  }

  function newVisitorId() {
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    var raw = String.fromCharCode.apply(null, bytes);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  /* The choice as it may stand: continuity always on, advertising off under GPC. */
  function settle(choices) {
    var settled = {};
    config.categories.forEach(function (category) {
      var on = category.always_on || !!choices[category.id];
      settled[category.id] = on && !(gpc && category.gpc_refuses);
    });
    return settled;
  }

  function all(value) {
    var choices = {};
    config.categories.forEach(function (category) {
      choices[category.id] = value;
    });
    return settle(choices);
  }

  /* Inert tags of allowed uses become real: scripts are copied, iframes get their src. */
  function activate(choices) {
    var selector = "script[type='text/plain'][data-hogo-category],iframe[data-hogo-category][data-src]";
    document.querySelectorAll(selector).forEach(function (inert) {
      var use = inert.getAttribute("data-hogo-category");
      if (!choices[use]) return;
      ran[use] = true;
      if (inert.tagName === "IFRAME") {
        inert.src = inert.getAttribute("data-src");
        inert.removeAttribute("data-src");
        return;
      }
      var live = document.createElement("script");
      Array.prototype.forEach.call(inert.attributes, function (attribute) {
        if (attribute.name !== "type") live.setAttribute(attribute.name, attribute.value);
      });
      if (!inert.src) live.text = inert.text;
      live.async = false;
      inert.parentNode.replaceChild(live, inert);
    });
  }

  function choose(choices, channel) {
    var settled = settle(choices);
    var withdrawn = Object.keys(ran).some(function (use) {
      return !settled[use];
    });
    saved = {
      v: saved && /^[\w-]{22}$/.test(saved.v) ? saved.v : newVisitorId(),
      p: config.policy_version,
      n: config.notice_version,
      c: settled,
    };
    document.cookie =
      NAME + "=" + encodeURIComponent(JSON.stringify(saved)) + "; Max-Age=31536000; Path=/; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
    var body = {
      visitor_id: saved.v,
      choices: settled,
      gpc: gpc,
      page: location.origin + location.pathname,
      notice_version: config.notice_version,
      member_token: member || null,
      channel: channel,
    };
    var sent = fetch(base + "/v1/consent", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
      keepalive: true,
    }).catch(function () {});
    close();
    /* A tag already running cannot be stopped: a withdrawal takes effect on a fresh page. */
    if (withdrawn) sent.then(function () { location.reload(); });
    else activate(settled);
  }

  function languages() {
    return el("span", { class: "langs" }, [["ja", "日本語"], ["en", "English"]].map(function (pair) {
      return button(pair[1], function () {
        lang = pair[0];
        render(view);
      }, { lang: pair[0], "aria-pressed": String(lang === pair[0]) });
    }));
  }

  function tagFacts(tag) {
    var facts = [
      ["destination", tag.destination],
      ["recipient", text(tag.recipient)],
      ["data_sent", tag.data_sent.map(text).join(lang === "ja" ? "、" : ", ")],
      ["purpose", text(tag.purpose)],
    ];
    var list = el("dl");
    facts.forEach(function (fact) {
      list.appendChild(el("dt", {}, [say(fact[0])]));
      list.appendChild(el("dd", {}, [fact[1]]));
    });
    return el("div", { class: "tag", "data-tag": tag.id }, [el("h4", {}, [text(tag.title)]), list]);
  }

  function categoryBox(category) {
    var locked = category.always_on || (gpc && category.gpc_refuses);
    var box = el("input", {
      type: "checkbox",
      id: "hogo-use-" + category.id,
      checked: !!draft[category.id],
      disabled: locked,
    });
    box.addEventListener("change", function () {
      draft[category.id] = box.checked;
    });
    var label = el("label", { for: box.id }, [box, text(category.title)]);
    if (category.always_on) label.appendChild(el("span", { class: "on" }, [say("always_on")]));
    var parts = [label, el("p", {}, [text(category.description)])];
    if (gpc && category.gpc_refuses) parts.push(el("p", { class: "gpc", role: "note" }, [say("gpc")]));
    if (category.tags.length) parts.push(el("h4", {}, [say("tags")]));
    return el("fieldset", { "data-use": category.id }, parts.concat(category.tags.map(tagFacts)));
  }

  function bannerView() {
    return [
      el("div", { class: "row" }, [el("h2", { id: "hogo-title" }, [say("title")]), languages()]),
      el("p", {}, [say("lead")]),
      el("ul", {}, config.categories.map(function (category) {
        return el("li", {}, [text(category.title) + (category.always_on ? " (" + say("always_on") + ")" : "")]);
      })),
      el("div", { class: "row" }, [
        button(say("accept_all"), function () { choose(all(true), "banner"); }, { class: "main" }),
        button(say("reject"), function () { choose(all(false), "banner"); }),
        button(say("preferences"), function () { render("preferences"); }),
      ]),
    ];
  }

  function preferencesView() {
    return [
      el("div", { class: "row" }, [el("h2", { id: "hogo-title" }, [say("preferences")]), languages()]),
      el("p", {}, [say("lead")]),
    ].concat(config.categories.map(categoryBox), [
      el("div", { class: "row" }, [
        button(say("save"), function () { choose(draft, "preferences"); }, { class: "main" }),
        button(say("accept_all"), function () { choose(all(true), "preferences"); }),
        button(say("reject"), function () { choose(all(false), "preferences"); }),
      ]),
      el("p", { class: "on" }, [say("policy") + ": " + config.policy_version]),
    ]);
  }

  function mount() {
    if (host) return;
    host = el("div", { id: "hogo-consent" });
    shadow = host.attachShadow({ mode: "open" });
    if (shadow.adoptedStyleSheets && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      shadow.adoptedStyleSheets = [sheet];
    } else {
      shadow.appendChild(el("style", {}, [CSS]));
    }
    document.body.appendChild(host);
  }

  function clear() {
    Array.prototype.slice.call(shadow.childNodes).forEach(function (node) {
      if (node.tagName !== "STYLE") shadow.removeChild(node);
    });
  }

  function render(which) {
    mount();
    clear();
    view = which;
    if (which === "reopen") {
      shadow.appendChild(button(say("reopen"), function () { open(); }, { class: "reopen", lang: lang }));
      return;
    }
    var modal = which === "preferences";
    var box = el("div", {
      class: "box",
      lang: lang,
      role: modal ? "dialog" : "region",
      "aria-modal": modal ? "true" : null,
      "aria-labelledby": "hogo-title",
    }, modal ? preferencesView() : bannerView());
    shadow.appendChild(box);
    var first = box.querySelector("button.main");
    if (modal && first) first.focus();
  }

  function open() {
    draft = Object.assign({}, saved ? settle(saved.c) : all(false));
    render("preferences");
  }

  function close() {
    render("reopen");
  }

  function start(loaded) {
    config = loaded;
    saved = readCookie();
    window.hogoConsent = {
      open: open,
      choices: function () {
        return saved ? settle(saved.c) : null;
      },
    };
    document.querySelectorAll("[data-hogo-open]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        open();
      });
    });
    var current = saved && saved.p === config.policy_version && saved.n === config.notice_version;
    if (current) {
      activate(settle(saved.c));
      close();
    } else {
      draft = all(false);
      render("banner");
    }
  }

  function load() {
    fetch(base + "/v1/consent/config?lang=" + lang, { credentials: "omit" })
      .then(function (response) {
        if (!response.ok) throw new Error("hogo consent config: " + response.status);
        return response.json();
      })
      .then(start)
      .catch(function (error) {
        /* Without the configuration nothing is activated: every tag stays inert. */
        if (window.console) console.warn(String(error));
      });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", load);
  else load();
})();
