// The district dashboard's charts. Data comes from a <script type="application/json"> block
// (the Content-Security-Policy forbids inline scripts); the heatmap is drawn by progress.js.
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("dashboard-data");
  if (!source || typeof Plotly === "undefined") return;
  var data = JSON.parse(source.textContent);
  var config = {displaylogo: false, responsive: true};
  var margin = {l: 50, r: 20, t: 20, b: 60};

  var overTime = document.getElementById("chart-over_time");
  if (overTime) {
    var traces = data.over_time.map(function (s) { return {type: "bar", name: s.name, x: s.x, y: s.y}; });
    Plotly.newPlot(overTime, traces, {barmode: "stack", margin: margin, height: 340}, config);
  }
  var severity = document.getElementById("chart-severity");
  if (severity) {
    Plotly.newPlot(severity, [{type: "bar", x: data.severity.labels, y: data.severity.values,
                               marker: {color: "#dc3545"}}], {margin: margin, height: 320}, config);
  }
  var seriousFlags = document.getElementById("chart-serious-flags");
  if (seriousFlags && data.serious_flags) {
    Plotly.newPlot(seriousFlags, [{type: "bar", x: data.serious_flags.labels, y: data.serious_flags.values,
                                   marker: {color: "#dc3545"}}], {margin: margin, height: 220}, config);
  }
  var ranking = document.getElementById("chart-ranking");
  if (ranking) {
    var r = data.ranking;
    Plotly.newPlot(ranking, [{type: "bar", orientation: "h", y: r.names, x: r.rates, customdata: r.links,
                              hovertemplate: "%{y}: %{x}<extra></extra>"}],
                   {margin: {l: 180, r: 20, t: 20, b: 40}, height: Math.max(320, 24 * r.names.length + 80),
                    yaxis: {autorange: "reversed"}}, config);
    ranking.on("plotly_click", function (event) {
      var link = event.points && event.points[0] && event.points[0].customdata;
      if (link) window.location.href = link + window.location.search;
    });
  }
});
