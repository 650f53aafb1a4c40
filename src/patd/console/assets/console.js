// patd console: progressive enhancement only. Every page works without it;
// this adds copy buttons, the delete confirmation dialog, the custom date
// toggle, and forgets a new token as soon as its dialog is closed.
"use strict";

// The token leaves the DOM before anything else happens, and the reply that
// held it leaves the history (the list is loaded in its place).
function forgetToken(next) {
  const dialog = document.getElementById("token-dialog");
  if (dialog) {
    const field = document.getElementById("new-token");
    if (field) field.value = "";
    if (dialog.open) dialog.close();
    dialog.remove();
  }
  window.location.replace(next);
}

function closeMenus(except) {
  for (const d of document.querySelectorAll("details.menu[open]")) {
    if (d !== except) d.removeAttribute("open");
  }
}

document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return;
  const menu = target.closest("details.menu");
  closeMenus(menu);

  const copy = target.closest("[data-copy]");
  if (copy) {
    const field = document.getElementById(copy.getAttribute("data-copy"));
    if (!field) return;
    const done = () => {
      const status = document.querySelector(".copied");
      if (status) status.textContent = "Copied to the clipboard.";
    };
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, () => {
        document.execCommand("copy");
        done();
      });
    } else {
      document.execCommand("copy");
      done();
    }
    return;
  }

  const close = target.closest("[data-close-token]");
  if (close) {
    event.preventDefault();
    forgetToken(close.getAttribute("href"));
    return;
  }

  const del = target.closest("[data-delete-token]");
  if (del) {
    const template = document.getElementById("delete-dialog-template");
    if (!template || typeof HTMLDialogElement !== "function") return;
    event.preventDefault();
    const dialog = template.content.firstElementChild.cloneNode(true);
    dialog.querySelector(".token-name").textContent = del.getAttribute("data-token-name");
    dialog.querySelector("form").setAttribute("action", del.getAttribute("href"));
    dialog.addEventListener("close", () => dialog.remove());
    document.body.appendChild(dialog);
    dialog.showModal();
    return;
  }

  const cancel = target.closest("[data-close-dialog]");
  if (cancel) {
    const dialog = cancel.closest("dialog");
    if (dialog) dialog.close();
  }
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const open = document.querySelector("details.menu[open]");
  if (open) {
    open.removeAttribute("open");
    const summary = open.querySelector("summary");
    if (summary) summary.focus();
  }
});

function syncCustomDate() {
  const select = document.getElementById("expiration");
  const box = document.getElementById("custom-date");
  if (!select || !box) return;
  const custom = select.value === "custom";
  box.classList.toggle("hidden", !custom);
  const input = document.getElementById("expires_on");
  if (input) input.required = custom;
}

document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("expiration");
  if (select) {
    select.addEventListener("change", syncCustomDate);
    syncCustomDate();
  }
  // The copy-once dialog is open in the HTML (it works without script);
  // with script it becomes modal, and Escape closes it like its button.
  const tokenDialog = document.getElementById("token-dialog");
  if (tokenDialog && typeof tokenDialog.showModal === "function") {
    tokenDialog.close();
    tokenDialog.showModal();
    tokenDialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      forgetToken(document.getElementById("token-dialog-close").getAttribute("href"));
    });
  }
  const token = document.getElementById("new-token");
  if (token) token.focus();
});
