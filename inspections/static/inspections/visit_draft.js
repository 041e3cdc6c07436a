// The visit form on a phone with a poor connection: every change is kept in this browser's local
// storage (per user, school and plan), the form is sent with fetch, and a send that fails for want
// of a network waits for the connection to come back and is sent again. The form's client_key goes
// with every send, so the server files the visit once however many times it arrives.
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form || !window.localStorage || !window.fetch) { return; }
  var status = form.querySelector(".draft-status");
  var prefix = form.dataset.draftKey.split(":").slice(0, 2).join(":") + ":";
  var plan = form.dataset.draftKey.split(":")[3];
  var sending = false;

  function say(text) { if (status) { status.textContent = text || ""; } }
  function school() { var s = form.elements.school; return (s && s.value) || "new"; }
  function key() { return prefix + school() + ":" + plan; }

  function collect() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken") { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        if (!el.checked) { return; }
        (data[el.name] = data[el.name] || []).push(el.value);
      } else {
        data[el.name] = [el.value];
      }
    });
    return data;
  }

  function save() {
    try { localStorage.setItem(key(), JSON.stringify({ saved: Date.now(), fields: collect() })); } catch (e) { /* full */ }
  }

  function restore() {
    var stored = localStorage.getItem(key());
    if (!stored && school() === "new") {
      for (var i = 0; i < localStorage.length; i++) {
        var k = localStorage.key(i);
        if (k.indexOf(prefix) === 0 && k.slice(-(plan.length + 1)) === ":" + plan) { stored = localStorage.getItem(k); break; }
      }
    }
    if (!stored) { return; }
    var fields = JSON.parse(stored).fields || {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in fields) || el.type === "file" || el.name === "csrfmiddlewaretoken") { return; }
      var values = fields[el.name];
      if (el.type === "checkbox" || el.type === "radio") { el.checked = values.indexOf(el.value) !== -1; }
      else { el.value = values[0]; }
    });
    say(form.dataset.restoredText);
  }

  function clearDraft() {
    for (var i = localStorage.length - 1; i >= 0; i--) {
      var k = localStorage.key(i);
      if (k.indexOf(prefix) === 0 && k.slice(-(plan.length + 1)) === ":" + plan) { localStorage.removeItem(k); }
    }
  }

  function send() {
    if (sending) { return; }
    sending = true;
    save();
    say(form.dataset.sendingText);
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        sending = false;
        if (response.ok && response.redirected) {
          clearDraft();
          window.location.assign(response.url);
        } else {
          // A refusal (400): show it as the server wrote it; the draft stays until the visit is filed.
          form.submit();
        }
      })
      .catch(function () {
        sending = false;
        say(form.dataset.offlineText);
        window.addEventListener("online", send, { once: true });
      });
  }

  restore();
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!navigator.onLine) {
      save();
      say(form.dataset.offlineText);
      window.addEventListener("online", send, { once: true });
      return;
    }
    send();
  });
})();
