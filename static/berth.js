// Berth's only script: live progress on a stack's page, live logs, usage bars and confirmations. Pages work
// without it (they reload). The portal's Content-Security-Policy allows no inline script or style attribute, so
// everything a page does in script lives here and reads its values from data- attributes.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // <form data-confirm="question" data-confirm-if="checkbox name">: ask first when that box is ticked
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (e) => {
      const box = form.dataset.confirmIf ? form.elements.namedItem(form.dataset.confirmIf) : null;
      if ((!box || box.checked) && !window.confirm(form.dataset.confirm)) {
        e.preventDefault();
      }
    });
  });

  // <button class="copy" data-copy="element id">: puts that element's text on the clipboard (a connection string)
  document.querySelectorAll("button.copy[data-copy]").forEach((button) => {
    button.addEventListener("click", () => {
      const text = document.getElementById(button.dataset.copy).textContent;
      const done = () => { button.textContent = "Copied"; setTimeout(() => { button.textContent = "Copy"; }, 1500); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, () => { button.textContent = "Select and copy"; });
      } else { // plain HTTP on a LAN address: no Clipboard API; select the text for Ctrl+C instead
        const range = document.createRange();
        range.selectNodeContents(document.getElementById(button.dataset.copy));
        window.getSelection().removeAllRanges();
        window.getSelection().addRange(range);
        button.textContent = "Selected: press Ctrl+C";
      }
    });
  });

  // <span class="usage-fill" data-percent="N">: CSSOM styles are allowed where style attributes are not
  document.querySelectorAll("[data-percent]").forEach((fill) => {
    fill.style.width = fill.dataset.percent + "%";
  });

  const progress = document.getElementById("progress");
  if (progress && window.EventSource) {
    const bar = document.getElementById("progress-bar");
    const message = document.getElementById("progress-message");
    const history = document.getElementById("events");
    const state = document.getElementById("state");
    const source = new EventSource(progress.dataset.stream);
    source.addEventListener("progress", (e) => {
      const d = JSON.parse(e.data);
      bar.value = d.percent;
      message.textContent = d.message;
      state.textContent = d.state;
      if (history && !document.getElementById("event-" + e.lastEventId)) {
        const li = document.createElement("li");
        li.id = "event-" + e.lastEventId;
        const time = document.createElement("time");
        time.textContent = d.at;
        li.append(time, " " + d.message);
        history.append(li);
      }
    });
    // the start's place in line while it waits for a free slot (StartQueue); hidden once it runs
    const queue = document.getElementById("queue-note");
    source.addEventListener("queue", (e) => {
      const d = JSON.parse(e.data);
      queue.hidden = !d.queued;
      queue.textContent = d.queued ? "Waiting to start: " + d.message : "";
    });
    source.addEventListener("done", () => { source.close(); window.location.reload(); });
  }

  const log = document.getElementById("log");
  if (log && window.EventSource) {
    const source = new EventSource(log.dataset.stream);
    const follow = document.getElementById("follow");
    source.addEventListener("line", (e) => {
      log.append(e.data + "\n");
      if (!follow || follow.checked) {
        log.scrollTop = log.scrollHeight;
      }
    });
    source.addEventListener("end", (e) => {
      source.close();
      const note = document.getElementById("log-end");
      if (note) {
        note.textContent = e.data || "The service stopped; its log ends here.";
      }
    });
  }
});
