// The dashboard's only script (progressive enhancement: every page works without it).
// - Keeps the viewer's IANA time zone in a cookie, so pages show times in it.
// - Makes the "Sign out" link a POST (without JavaScript it opens a page with a button).
// - Reloads a page that is still changing (a run not finished yet), every 2 s.
// - On the task form: shows only the chosen schedule kind's fields, and previews the
//   schedule as you type (POST /dashboard/preview answers the same HTML the page has).
(() => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  for (const input of document.querySelectorAll("input[data-viewer-tz]")) input.value = zone;
  if (!document.cookie.split("; ").includes(`tasks_tz=${encodeURIComponent(zone)}`)) {
    // biome-ignore lint/suspicious/noDocumentCookie: one non-secret preference cookie; the Cookie Store API is not in every browser
    document.cookie = `tasks_tz=${encodeURIComponent(zone)}; path=/dashboard; max-age=31536000; samesite=strict`;
  }

  for (const link of document.querySelectorAll("a[data-sign-out]")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      const form = document.createElement("form");
      form.method = "post";
      form.action = link.getAttribute("href");
      document.body.append(form);
      form.submit();
    });
  }

  const refresh = Number(document.body.dataset.refresh);
  if (refresh > 0) setTimeout(() => location.reload(), refresh * 1000);

  const form = document.querySelector("form[data-preview-url]");
  if (form) {
    const kind = form.querySelector("[name='schedule.kind']");
    const showKind = () => {
      for (const box of form.querySelectorAll("[data-kind]")) box.hidden = !box.dataset.kind.split(" ").includes(kind.value);
    };
    kind.addEventListener("change", showKind);
    showKind();
    let timer;
    let asked = 0;
    const preview = () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const mine = ++asked;
        const res = await fetch(form.dataset.previewUrl, { method: "POST", body: new URLSearchParams(new FormData(form)) });
        if (mine !== asked || !res.ok) return;
        const box = document.getElementById("schedule-preview");
        const next = new DOMParser().parseFromString(await res.text(), "text/html").getElementById("schedule-preview");
        if (box && next) box.replaceChildren(...next.childNodes);
      }, 250);
    };
    for (const field of form.querySelectorAll("[data-preview]")) {
      field.addEventListener("input", preview);
      field.addEventListener("change", preview);
    }
  }
})();
