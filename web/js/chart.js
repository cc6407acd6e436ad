// The one place charts are set up: ECharts (loaded as window.echarts from /vendor) with the
// dashboard's palette and type, resized with its box, and click events passed on as data.

export const PALETTE = ['#2f5d8a', '#5b9bd5', '#8fb9a8', '#e0a458', '#c96c5c', '#7d6b91', '#a3a3a3', '#4f8a5b', '#d4b95e', '#9c5f7a', '#6a8caf', '#b08968'];
const TEXT = '#334155';
const GRID_LINE = '#e5e9f0';

import { loadScript } from './load_script.js';

const ECHARTS = '/vendor/echarts/echarts.min.js';
const observers = new WeakMap();

function baseOption() {
  return {
    color: PALETTE,
    animationDuration: 300,
    textStyle: { fontFamily: 'inherit', color: TEXT, fontSize: 12 },
    grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', confine: true },
  };
}

function axisStyle() {
  return {
    axisLine: { lineStyle: { color: GRID_LINE } },
    axisTick: { show: false },
    axisLabel: { color: '#64748b' },
    splitLine: { lineStyle: { color: GRID_LINE } },
  };
}

// Starts loading ECharts (a megabyte) without waiting for it.
export function preloadCharts() {
  loadScript(ECHARTS).catch(() => {});  // drawChart reports a failed load
}

const SIZE_WAIT_MS = 3000;

// Resolves once `element` has a size (its grid cell is laid out), or after a while anyway.
function sized(element) {
  if (element.clientWidth > 0 && element.clientHeight > 0) return Promise.resolve();
  return new Promise((resolve) => {
    const observer = new ResizeObserver(() => {
      if (element.clientWidth > 0 && element.clientHeight > 0) done();
    });
    const timer = setTimeout(done, SIZE_WAIT_MS);
    function done() {
      observer.disconnect();
      clearTimeout(timer);
      resolve();
    }
    observer.observe(element);
  });
}

// Draws `option` (merged over the common look) into `element`; `onClick(data)` gets the
// clicked item's `data` member. Replaces any chart already there. Loads ECharts on first use.
export async function drawChart(element, option, onClick) {
  await Promise.all([loadScript(ECHARTS), sized(element)]);
  if (!element.isConnected) return null;  // redrawn or hidden meanwhile
  const echarts = window.echarts;
  let chart = echarts.getInstanceByDom(element);
  if (!chart) {
    chart = echarts.init(element, null, { renderer: 'canvas' });
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(element);
    observers.set(element, observer);
  }
  chart.off('click');
  if (onClick) chart.on('click', (event) => onClick(event.data, event));
  chart.setOption({ ...baseOption(), ...option }, true);
  return chart;
}

// Releases the chart in `element`, if any.
export function disposeChart(element) {
  observers.get(element)?.disconnect();
  window.echarts?.getInstanceByDom(element)?.dispose();
}

// Lines over buckets: series = [{name, values, dashed}], values parallel to `categories`.
export function lineOption({ categories, series, format, area = true }) {
  return {
    legend: { top: 0, right: 0, icon: 'roundRect', itemWidth: 12, itemHeight: 4 },
    xAxis: { type: 'category', data: categories, boundaryGap: false, ...axisStyle() },
    yAxis: { type: 'value', ...axisStyle(), axisLabel: { color: '#64748b', formatter: format } },
    tooltip: { trigger: 'axis', confine: true, valueFormatter: format },
    series: series.map((s, i) => ({
      type: 'line',
      name: s.name,
      data: s.values,
      smooth: true,
      symbolSize: 5,
      lineStyle: { width: i === 0 ? 2.5 : 1.5, type: s.dashed ? 'dashed' : 'solid' },
      areaStyle: area && i === 0 ? { opacity: 0.08 } : undefined,
    })),
  };
}

// Bars: categories with one value each (or several series); `horizontal` lays them sideways.
// Each data item may carry extra members (e.g. the id to filter by) for the click handler.
export function barOption({ categories, series, format, horizontal = false, stacked = false }) {
  const valueAxis = { type: 'value', ...axisStyle(), axisLabel: { color: '#64748b', formatter: format } };
  const categoryAxis = { type: 'category', data: categories, ...axisStyle(), inverse: horizontal };
  return {
    legend: series.length > 1 ? { type: 'scroll', top: 0, left: 0, right: 0, itemWidth: 12, itemHeight: 8 } : undefined,
    grid: { left: 8, right: 16, top: series.length > 1 ? 32 : 8, bottom: 8, containLabel: true },
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? categoryAxis : valueAxis,
    tooltip: { trigger: 'axis', confine: true, valueFormatter: format, axisPointer: { type: 'shadow' } },
    series: series.map((s) => ({
      type: 'bar',
      name: s.name,
      data: s.data,
      stack: stacked ? 'total' : undefined,
      barMaxWidth: 28,
      cursor: 'pointer',
      itemStyle: { borderRadius: stacked ? 0 : horizontal ? [0, 3, 3, 0] : [3, 3, 0, 0] },
    })),
  };
}

// A pie (donut) of items {name, value, ...}.
export function pieOption({ items, format }) {
  return {
    tooltip: { trigger: 'item', confine: true, valueFormatter: format },
    legend: { type: 'scroll', orient: 'vertical', right: 0, top: 'middle', textStyle: { fontSize: 11 } },
    series: [
      {
        type: 'pie',
        radius: ['45%', '75%'],
        center: ['35%', '50%'],
        data: items,
        label: { show: false },
        cursor: 'pointer',
      },
    ],
  };
}
