/* A small SVG chart library for the CRM dashboards: bar, line and funnel charts.
 *
 *   CrmCharts.bar(element, {labels: [...], series: [{name, values, color}], format})
 *   CrmCharts.line(element, {labels: [...], series: [...]})
 *   CrmCharts.funnel(element, {labels: [...], values: [...]})
 *
 * Served from static/, no network access needed. Each chart renders an <svg> with a <title> per
 * mark, so values are readable on hover and by assistive technology.
 */
(function (global) {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var PALETTE = ["#2955d9", "#1a9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02"];

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  function text(parent, x, y, content, attrs) {
    var node = el("text", Object.assign({x: x, y: y, "font-size": 11, fill: "#444"}, attrs || {}), parent);
    node.textContent = content;
    return node;
  }

  function compact(value) {
    var abs = Math.abs(value);
    if (abs >= 1e9) return (value / 1e9).toFixed(1) + "B";
    if (abs >= 1e6) return (value / 1e6).toFixed(1) + "M";
    if (abs >= 1e3) return (value / 1e3).toFixed(1) + "k";
    return String(Math.round(value * 100) / 100);
  }

  function frame(element, height) {
    element.innerHTML = "";
    var width = Math.max(element.clientWidth || 480, 240);
    var svg = el("svg", {width: width, height: height, viewBox: "0 0 " + width + " " + height, role: "img"}, element);
    svg.classList.add("crm-chart");
    return {svg: svg, width: width, height: height};
  }

  function maxOf(series) {
    var max = 0;
    series.forEach(function (s) { s.values.forEach(function (v) { max = Math.max(max, Number(v) || 0); }); });
    return max || 1;
  }

  function axes(f, max, left, bottom) {
    var plotHeight = f.height - bottom - 10;
    for (var i = 0; i <= 4; i++) {
      var y = 10 + plotHeight - (plotHeight * i) / 4;
      el("line", {x1: left, x2: f.width - 10, y1: y, y2: y, stroke: "#e3e6ee"}, f.svg);
      text(f.svg, left - 6, y + 4, compact((max * i) / 4), {"text-anchor": "end"});
    }
    return plotHeight;
  }

  function legend(f, series) {
    series.forEach(function (s, i) {
      var x = 50 + i * 130;
      el("rect", {x: x, y: f.height - 14, width: 10, height: 10, fill: s.color || PALETTE[i % PALETTE.length]}, f.svg);
      text(f.svg, x + 14, f.height - 5, s.name);
    });
  }

  function bar(element, data) {
    var f = frame(element, data.height || 260);
    var left = 50, bottom = 46;
    var max = maxOf(data.series);
    var plotHeight = axes(f, max, left, bottom);
    var groupWidth = (f.width - left - 10) / Math.max(data.labels.length, 1);
    var barWidth = Math.max((groupWidth - 8) / data.series.length, 2);
    data.labels.forEach(function (label, i) {
      data.series.forEach(function (s, j) {
        var value = Number(s.values[i]) || 0;
        var h = (plotHeight * value) / max;
        var rect = el("rect", {
          x: left + i * groupWidth + 4 + j * barWidth, y: 10 + plotHeight - h,
          width: barWidth - 1, height: h, fill: s.color || PALETTE[j % PALETTE.length], "class": "bar"
        }, f.svg);
        el("title", {}, rect).textContent = label + " · " + s.name + ": " + compact(value);
      });
      text(f.svg, left + i * groupWidth + groupWidth / 2, f.height - 26, label, {"text-anchor": "middle"});
    });
    legend(f, data.series);
    return f.svg;
  }

  function line(element, data) {
    var f = frame(element, data.height || 260);
    var left = 50, bottom = 46;
    var max = maxOf(data.series);
    var plotHeight = axes(f, max, left, bottom);
    var step = (f.width - left - 20) / Math.max(data.labels.length - 1, 1);
    data.series.forEach(function (s, j) {
      var color = s.color || PALETTE[j % PALETTE.length];
      var points = s.values.map(function (v, i) {
        return (left + 5 + i * step) + "," + (10 + plotHeight - (plotHeight * (Number(v) || 0)) / max);
      });
      el("polyline", {points: points.join(" "), fill: "none", stroke: color, "stroke-width": 2, "class": "line"}, f.svg);
      s.values.forEach(function (v, i) {
        var dot = el("circle", {cx: left + 5 + i * step, cy: 10 + plotHeight - (plotHeight * (Number(v) || 0)) / max, r: 3, fill: color}, f.svg);
        el("title", {}, dot).textContent = data.labels[i] + " · " + s.name + ": " + compact(Number(v) || 0);
      });
    });
    data.labels.forEach(function (label, i) {
      text(f.svg, left + 5 + i * step, f.height - 26, label, {"text-anchor": "middle"});
    });
    legend(f, data.series);
    return f.svg;
  }

  function funnel(element, data) {
    var rowHeight = 30;
    var f = frame(element, data.labels.length * rowHeight + 10);
    var max = Math.max.apply(null, data.values.map(Number).concat([1]));
    var center = f.width / 2;
    data.labels.forEach(function (label, i) {
      var value = Number(data.values[i]) || 0;
      var width = Math.max(((f.width - 200) * value) / max, 2);
      var rect = el("rect", {
        x: center - width / 2, y: 5 + i * rowHeight, width: width, height: rowHeight - 6,
        fill: PALETTE[i % PALETTE.length], rx: 3, "class": "bar"
      }, f.svg);
      el("title", {}, rect).textContent = label + ": " + compact(value);
      text(f.svg, 8, 5 + i * rowHeight + 17, label);
      text(f.svg, f.width - 8, 5 + i * rowHeight + 17, compact(value), {"text-anchor": "end"});
    });
    return f.svg;
  }

  global.CrmCharts = {bar: bar, line: line, funnel: funnel, compact: compact};
})(window);
