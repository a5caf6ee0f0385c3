// The dashboard's only script (progressive enhancement: every page works without it).
// - Keeps the viewer's IANA time zone in a cookie, so pages show times in it.
// - Makes the "Sign out" link a POST (without JavaScript it opens a page with a button).
// - Asks for confirmation before a form marked data-confirm is sent.
(() => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  for (const input of document.querySelectorAll("input[data-viewer-tz]")) input.value = zone;
  if (!document.cookie.split("; ").includes(`tasks_tz=${encodeURIComponent(zone)}`)) {
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

  document.addEventListener("submit", (event) => {
    const form = event.target;
    const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
