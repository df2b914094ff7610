// newsfold web UI: progressive enhancement only; every page works without this file.
"use strict";

// Copy comparison: selecting a shared passage highlights it on both sides and scrolls its match into view.
function setupCompare() {
  const marks = document.querySelectorAll(".compare mark[data-p]");
  if (!marks.length) return;
  const partners = (mark) => document.querySelectorAll(`.compare mark[data-p="${mark.dataset.p}"]`);
  const clear = () => document.querySelectorAll(".compare mark.active").forEach((m) => m.classList.remove("active"));
  marks.forEach((mark) => {
    mark.addEventListener("mouseenter", () => { clear(); partners(mark).forEach((m) => m.classList.add("active")); });
    mark.addEventListener("mouseleave", clear);
    const jump = () => {
      clear();
      const side = mark.closest(".compare-side");
      partners(mark).forEach((m) => {
        m.classList.add("active");
        if (m.closest(".compare-side") !== side) m.scrollIntoView({ behavior: "smooth", block: "center" });
      });
    };
    mark.addEventListener("click", jump);
    mark.addEventListener("keydown", (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); jump(); } });
  });
}

document.addEventListener("DOMContentLoaded", setupCompare);
