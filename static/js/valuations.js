/* The valuation workspace: formset rows, sections switched on and off,
   and the result charts (Chart.js, vendored). */
(function () {
  "use strict";

  // --- The rNPV form ---------------------------------------------------------

  function addRow(name) {
    var body = document.querySelector('[data-formset-body="' + name + '"]');
    var template = document.getElementById(name + "-template");
    var total = document.getElementById("id_" + name + "-TOTAL_FORMS");
    if (!body || !template || !total) return;
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    body.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var first = body.lastElementChild && body.lastElementChild.querySelector("input, select");
    if (first) first.focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-formset-add]");
    if (button) {
      event.preventDefault();
      addRow(button.getAttribute("data-formset-add"));
    }
  });

  function syncToggles() {
    document.querySelectorAll("[data-toggled-by]").forEach(function (section) {
      var box = document.getElementById(section.getAttribute("data-toggled-by"));
      if (box) section.hidden = !box.checked;
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches('input[type="checkbox"]')) syncToggles();
    if (event.target.matches('input[name^="phases-"][name$="-name"]')) refreshPhaseNames();
  });

  // Milestones name a phase: offer the phases typed above.
  function refreshPhaseNames() {
    var list = document.getElementById("phase-names");
    if (!list) return;
    list.innerHTML = "";
    document.querySelectorAll('input[name^="phases-"][name$="-name"]').forEach(function (input) {
      if (!input.value || input.name.indexOf("__prefix__") >= 0) return;
      var option = document.createElement("option");
      option.value = input.value;
      list.appendChild(option);
    });
  }

  // --- Result charts ---------------------------------------------------------

  var BRAND = "#0f766e";
  var LOSS = "#dc2626";
  var LINE = "#1e40af";

  function formatter() {
    var lang = document.documentElement.lang || "en";
    var format = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
    return function (value) { return format.format(value); };
  }

  function compact(value) {
    var lang = document.documentElement.lang || "en";
    return new Intl.NumberFormat(lang, { notation: "compact", maximumFractionDigits: 1 })
      .format(value);
  }

  function zeroLine(colour, otherwise) {
    return function (context) {
      return context.tick && context.tick.value === 0 ? colour : otherwise || "rgba(0,0,0,0.08)";
    };
  }

  function drawCharts() {
    var source = document.getElementById("valuation-chart-data");
    if (!source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var labels = data.labels || {};
    var format = formatter();
    var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    Chart.defaults.animation = reduceMotion ? false : Chart.defaults.animation;

    var cashflow = document.getElementById("cashflow-chart");
    if (cashflow) {
      new Chart(cashflow, {
        data: {
          labels: data.years,
          datasets: [
            {
              type: "bar",
              label: labels.cash_flow,
              data: data.cash_flow,
              backgroundColor: data.cash_flow.map(function (v) { return v < 0 ? LOSS : BRAND; }),
              order: 2
            },
            {
              type: "line",
              label: labels.risk_adjusted,
              data: data.risk_adjusted_present_value,
              borderColor: LINE,
              backgroundColor: LINE,
              pointRadius: 2,
              tension: 0.2,
              yAxisID: "y1",
              order: 1
            }
          ]
        },
        options: {
          maintainAspectRatio: false,
          interaction: { mode: "index", intersect: false },
          scales: {
            x: { title: { display: true, text: labels.year } },
            y: {
              title: { display: true, text: labels.cash_flow },
              grid: { color: zeroLine(BRAND) },
              ticks: { callback: format }
            },
            // Risk-adjusted values are far smaller than the cash flows: an
            // axis of their own keeps the line readable.
            y1: {
              position: "right",
              title: { display: true, text: labels.risk_adjusted },
              // Its own zero line, since the two axes' zeros differ.
              grid: { color: zeroLine(LINE, "transparent") },
              ticks: { callback: format, color: LINE }
            }
          },
          plugins: {
            legend: {
              labels: {
                generateLabels: function (chart) {
                  var items = Chart.defaults.plugins.legend.labels.generateLabels(chart);
                  items.forEach(function (item) {
                    if (item.datasetIndex === 0) { item.fillStyle = BRAND; item.strokeStyle = BRAND; }
                  });
                  return items;
                }
              }
            },
            tooltip: {
              callbacks: {
                label: function (ctx) { return ctx.dataset.label + ": " + format(ctx.parsed.y); }
              }
            }
          }
        }
      });
    }

    var histogram = document.getElementById("histogram-chart");
    if (histogram && data.histogram) {
      new Chart(histogram, {
        type: "bar",
        data: {
          labels: data.histogram.edges.slice(0, -1).map(compact),
          datasets: [{
            label: labels.trials,
            data: data.histogram.counts,
            backgroundColor: BRAND,
            barPercentage: 1.0,
            categoryPercentage: 1.0
          }]
        },
        options: {
          maintainAspectRatio: false,
          plugins: {
            legend: { display: false },
            tooltip: {
              callbacks: {
                title: function (items) {
                  var i = items[0].dataIndex;
                  var edges = data.histogram.edges;
                  return format(edges[i]) + " – " + format(edges[i + 1]);
                }
              }
            }
          },
          scales: {
            x: { title: { display: true, text: labels.present_value }, ticks: { maxRotation: 60 } },
            y: { title: { display: true, text: labels.trials }, ticks: { callback: format } }
          }
        }
      });
    }
  }

  function start() {
    syncToggles();
    refreshPhaseNames();
    drawCharts();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
