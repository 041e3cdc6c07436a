// The dashboard's coverage chart: per inspector, schools that met the required visit frequency and
// those that did not. Data from a <script type="application/json"> block (no inline script).
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("coverage-data");
  var target = document.getElementById("chart-coverage");
  if (!source || !target || typeof Plotly === "undefined") return;
  var data = JSON.parse(source.textContent);
  Plotly.newPlot(target, [
    {type: "bar", name: data.labels.met, x: data.inspectors, y: data.met, marker: {color: "#198754"}},
    {type: "bar", name: data.labels.not_met, x: data.inspectors, y: data.not_met, marker: {color: "#ffc107"}}
  ], {barmode: "stack", margin: {l: 40, r: 20, t: 20, b: 60}, height: 280, yaxis: {dtick: 1}},
  {displaylogo: false, responsive: true});
});
