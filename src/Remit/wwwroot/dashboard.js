// Progressive enhancement only: every action also works without this file (links lead to the payout's page,
// whose forms need no script).
document.addEventListener("click", (event) => {
    const opener = event.target.closest("a[data-dialog]");
    if (opener) {
        const dialog = document.getElementById(opener.dataset.dialog);
        if (!dialog || typeof dialog.showModal !== "function") return;
        event.preventDefault();
        const form = dialog.querySelector("form");
        form.action = opener.dataset.action;
        form.reset();
        dialog.querySelector("[data-dialog-title]").textContent = opener.dataset.title;
        dialog.showModal();
        return;
    }
    const closer = event.target.closest("[data-close]");
    if (closer) closer.closest("dialog").close();
});

document.addEventListener("change", (event) => {
    if (!event.target.matches("[data-select-all]")) return;
    for (const box of document.querySelectorAll('input[name="ids"]')) box.checked = event.target.checked;
});

// A sign-in link just made is shown once: put it on the clipboard and selected, so "Copy sign-in link" copies.
document.addEventListener("DOMContentLoaded", () => {
    const link = document.querySelector("[data-copy]");
    if (!link) return;
    link.focus();
    link.select();
    if (navigator.clipboard) navigator.clipboard.writeText(link.value).catch(() => { /* selected: Ctrl+C still works */ });
});
