/* The dashboard's charts. Each <canvas data-chart="ID" data-kind="KIND">
 * draws the JSON of <script id="ID">, which the server writes with
 * json_script; numbers are formatted in the page's language. Charts inside
 * a fragment that htmx swaps in (the filtered funnel) are drawn again. */
(function () {
  "use strict";

  const lang = document.documentElement.lang || "en";
  const whole = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  const percent = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });
  const palette = ["#0f766e", "#f59e0b", "#2563eb", "#dc2626", "#7c3aed", "#64748b"];
  const charts = new WeakMap();
  // Figures appear at once: no growing bars to wait for (or to catch half
  // drawn in a screenshot).
  if (typeof Chart !== "undefined") {
    Chart.defaults.animation = false;
  }

  function colours(datasets, type) {
    return datasets.map(function (dataset, index) {
      const colour = palette[index % palette.length];
      return Object.assign(
        { backgroundColor: colour, borderColor: colour },
        type === "line" ? { fill: false, tension: 0.2, spanGaps: true } : {},
        dataset
      );
    });
  }

  const builders = {
    funnel: function (spec) {
      return {
        type: "bar",
        data: { labels: spec.labels, datasets: colours(spec.datasets, "bar") },
        options: {
          indexAxis: "y",
          maintainAspectRatio: false,
          scales: {
            x: { stacked: true, ticks: { precision: 0, callback: (value) => whole.format(value) } },
            y: { stacked: true },
          },
        },
      };
    },
    conversion: function (spec) {
      return {
        type: "line",
        data: { labels: spec.labels, datasets: colours(spec.datasets, "line") },
        options: {
          maintainAspectRatio: false,
          scales: {
            y: { min: 0, max: 1, ticks: { callback: (value) => percent.format(value) } },
          },
          plugins: {
            tooltip: {
              callbacks: {
                label: (item) => item.dataset.label + ": " + percent.format(item.parsed.y),
              },
            },
          },
        },
      };
    },
    aging: function (spec) {
      return {
        type: "bar",
        data: { labels: spec.labels, datasets: colours(spec.datasets, "bar") },
        options: {
          maintainAspectRatio: false,
          scales: { y: { ticks: { callback: (value) => whole.format(value) } } },
        },
      };
    },
    money: function (spec) {
      return {
        type: "bar",
        data: { labels: spec.labels, datasets: colours(spec.datasets, "bar") },
        options: {
          maintainAspectRatio: false,
          scales: { y: { ticks: { callback: (value) => whole.format(value) } } },
          plugins: {
            tooltip: {
              callbacks: {
                label: (item) => item.dataset.label + ": " + whole.format(item.parsed.y),
              },
            },
          },
        },
      };
    },
  };

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    const build = builders[canvas.dataset.kind];
    if (!source || !build || typeof Chart === "undefined") {
      return;
    }
    if (charts.has(canvas)) {
      charts.get(canvas).destroy();
    }
    charts.set(canvas, new Chart(canvas, build(JSON.parse(source.textContent))));
  }

  function drawWithin(root) {
    root.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => drawWithin(document));
  } else {
    drawWithin(document);
  }
  document.addEventListener("htmx:afterSettle", (event) => drawWithin(event.detail.elt));
})();
