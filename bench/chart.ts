/** A dependency-free grouped horizontal bar chart as SVG. */

export interface Series {
  name: string;
  color: string;
}

export interface Group {
  label: string;
  values: number[];
}

export function barChart(title: string, unit: string, series: Series[], groups: Group[]): string {
  const barHeight = 9;
  const groupGap = 10;
  const labelWidth = 190;
  const chartWidth = 520;
  const top = 48;
  const groupHeight = series.length * barHeight + groupGap;
  const height = top + groups.length * groupHeight + 24;
  const max = Math.max(...groups.flatMap((group) => group.values).filter(Number.isFinite), 1e-9);
  const scale = (value: number) => (Number.isFinite(value) ? (value / max) * chartWidth : 0);
  const escapeXml = (text: string) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + chartWidth + 90}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="18" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    ...series.map(
      (s, i) =>
        `<rect x="${labelWidth + i * 110}" y="28" width="10" height="10" fill="${s.color}"/><text x="${labelWidth + i * 110 + 14}" y="37">${escapeXml(s.name)}</text>`,
    ),
  ];
  groups.forEach((group, g) => {
    const y0 = top + g * groupHeight;
    parts.push(
      `<text x="${labelWidth - 6}" y="${y0 + (series.length * barHeight) / 2 + 4}" text-anchor="end">${escapeXml(group.label)}</text>`,
    );
    group.values.forEach((value, i) => {
      const y = y0 + i * barHeight;
      const width = scale(value);
      parts.push(
        `<rect x="${labelWidth}" y="${y}" width="${width.toFixed(1)}" height="${barHeight - 1}" fill="${series[i]?.color ?? '#999'}"/>`,
      );
      parts.push(
        `<text x="${labelWidth + width + 4}" y="${y + barHeight - 1}" font-size="9">${Number.isFinite(value) ? `${value} ${unit}` : 'n/a'}</text>`,
      );
    });
  });
  parts.push('</svg>');
  return parts.join('\n');
}
