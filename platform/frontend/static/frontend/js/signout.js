// Signing out on a phone that holds offline work (issue 16), for every page's "Đăng xuất" (base.html's
// form[data-sign-out]). When items recorded offline still wait on this browser it asks first (UI.ask):
// - the signed-in user's own: they are deleted by the sign-out; "Gửi trước" sends them (from here when online, else
//   on the capture page, which also shows refusals to correct), "Vẫn đăng xuất" goes on;
// - another account's (a shared phone): they stay on the phone until that account signs in and sends them; the
//   user may cancel.
// Then it deletes the user's own queue, drafts, bundle, signed-in marker and the worker's kept pages
// (OfflineQueue.forget) and submits the form. With another account's items waiting it adds keep=other-accounts:
// the server's answer then clears the HTTP cache only, not the site's storage (accounts.views.LogoutView), since what
// was the user's is already gone. No items: the form is submitted at once. Without IndexedDB (private mode, an old
// browser), before the queue was ever used, or on an error, the form is submitted as it is and the server's
// Clear-Site-Data "storage" clears everything, as it always did.
/* global OfflineQueue, UI */
(function () {
  "use strict";
  var sender = null;  // the capture page's own sending (its progress bar and queue), when this is the capture page
  window.SignOut = { sendWith: function (send) { sender = send; } };

  var form = document.querySelector("form[data-sign-out]");
  var config = document.getElementById("sign-out-data");
  if (!form || !config) { return; }
  var data = JSON.parse(config.textContent);
  var labels = data.labels;
  var user = data.user;
  var Q = window.OfflineQueue;

  // "Gửi trước" away from the capture page: send from here when online and stay signed in; whatever is left (no
  // connection, a refusal to correct, an expired session) is shown on the capture page of the first item's district.
  async function sendFirst(mine) {
    if (sender) { sender(); return; }
    if (navigator.onLine) {
      await Q.meta("csrf", UI.csrfToken());
      await Q.meta("language", document.documentElement.lang || "vi");
      await Q.meta("user", user);  // flush() sends the items of the signed-in user only
      var result = await Q.flush();
      var left = (await Q.pending()).filter(function (i) { return i.owner === user; });
      if (!left.length) { UI.flash(labels.sentCount.replace("{sent}", result.sent).replace("{total}", mine.length)); return; }
    }
    window.location.assign("/d/" + encodeURIComponent(mine[0].district) + "/offline/");
  }

  // The question for what waits on this browser, or null when nothing does.
  function question(mine, others) {
    if (!mine.length && !others.length) { return null; }
    var accounts = others.map(function (i) { return i.owner || "?"; })
      .filter(function (name, n, all) { return all.indexOf(name) === n; }).join(", ");
    var aboutOthers = others.length ? labels.others.replace("{n}", others.length).replace("{accounts}", accounts) : "";
    if (mine.length) {
      return { title: labels.unsent.replace("{n}", mine.length), text: aboutOthers, confirm: labels.signOutAnyway, cancel: labels.sendFirst };
    }
    return { title: labels.othersTitle, text: aboutOthers, confirm: labels.signOut, cancel: labels.cancel };
  }

  var asking = false;
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (asking) { return; }
    asking = true;
    var known = false, mine = [], others = [];
    try {
      if (Q && await Q.exists()) {
        var items = await Q.pending();
        mine = items.filter(function (i) { return i.owner === user; });
        others = items.filter(function (i) { return i.owner !== user; });
        known = true;
      }
    } catch (e) {
      known = false;  // IndexedDB unavailable or failing: sign out as before, the server clears everything
    }
    var ask = known ? question(mine, others) : null;
    if (ask && !(await UI.ask(ask))) {
      asking = false;
      if (mine.length) { await sendFirst(mine); }
      return;
    }
    var keepOthers = false;
    if (known) {
      try { await Q.forget(user); keepOthers = others.length > 0; } catch (e) { keepOthers = false; }
    }
    if (keepOthers) { form.appendChild(UI.el("input", null, { type: "hidden", name: "keep", value: "other-accounts" })); }
    form.submit();
  });
})();
