// The schools × phases heatmap. Data comes from a <script type="application/json"> block
// (the Content-Security-Policy forbids inline scripts); each cell links to its report.
document.addEventListener("DOMContentLoaded", function () {
  var target = document.getElementById("progress-heatmap");
  if (!target || typeof Plotly === "undefined") return;
  var data = JSON.parse(document.getElementById(target.dataset.source).textContent);
  var colours = [[0, "#dc3545"], [0.25, "#ffc107"], [0.5, "#adb5bd"], [0.75, "#198754"], [1, "#0dcaf0"]];
  var trace = {
    type: "heatmap", x: data.x, y: data.y, z: data.z, text: data.text, customdata: data.links,
    hovertemplate: "%{y}<br>%{x}<br>%{text}<extra></extra>", zmin: 0, zmax: 4, colorscale: colours,
    xgap: 2, ygap: 2,
    colorbar: {tickvals: data.legend.map(function (l) { return l[0]; }),
               ticktext: data.legend.map(function (l) { return l[1]; })}
  };
  var layout = {margin: {l: 160, r: 20, t: 20, b: 60}, height: Math.max(320, 28 * data.y.length + 100),
                yaxis: {autorange: "reversed"}};
  Plotly.newPlot(target, [trace], layout, {displaylogo: false, responsive: true});
  target.on("plotly_click", function (event) {
    var link = event.points && event.points[0] && event.points[0].customdata;
    if (link) window.location.href = link;
  });
});
