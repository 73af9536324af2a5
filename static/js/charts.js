/* Charts with the self-hosted ECharts (static/vendor/echarts): every element with
   data-echarts="<id of a json_script element holding the ECharts option>" becomes a chart.
   SVG renderer (crisp when printed); re-run after htmx swaps; resized with the window. */
(function () {
  "use strict";
  function draw(root) {
    (root || document).querySelectorAll("[data-echarts]").forEach(function (el) {
      if (el.dataset.echartsDrawn) return;
      var source = document.getElementById(el.dataset.echarts);
      if (!source || !window.echarts) return;
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(JSON.parse(source.textContent));
      // A click on a bar or slice follows the link the option carries in data[i].url (drill-down).
      chart.on("click", function (params) {
        var url = params.data && params.data.url;
        if (url) window.location.href = url;
      });
      el.dataset.echartsDrawn = "1";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(); });
  document.addEventListener("htmx:afterSwap", function (e) { draw(e.target); });
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-echarts-drawn]").forEach(function (el) {
      var chart = window.echarts && window.echarts.getInstanceByDom(el);
      if (chart) chart.resize();
    });
  });
})();
