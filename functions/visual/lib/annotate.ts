import { openImage } from '@darkroom/media';
import type { Finding } from './model';

/** Outline colour of each category on annotated images. */
const COLOURS: Record<string, string> = {
  blank_screen: '#9c27b0', blurred_screen: '#ff9800', low_contrast: '#2196f3', missing_image: '#f44336', null_value: '#e91e63',
};

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * An annotated copy of a screenshot: every finding's region outlined and labelled with its category and
 * score, drawn as an SVG overlay and composited by sharp over the (EXIF-oriented) original.
 * @returns PNG bytes, the original's size
 */
export async function annotate(bytes: Buffer, findings: Finding[]): Promise<Buffer> {
  const image = openImage(bytes);
  const meta = await image.metadata();
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  const stroke = Math.max(2, Math.round(Math.min(width, height) / 250));
  const font = Math.max(12, Math.round(Math.min(width, height) / 40));
  const shapes = findings.map((f) => {
    const colour = COLOURS[f.category] ?? '#ff5722';
    const { x, y, width: w, height: h } = f.region;
    const label = `${f.category} ${f.score.toFixed(2)}`;
    const labelY = y >= font + 4 ? y - 4 : y + h + font;
    return `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="${colour}" stroke-width="${stroke}"/>`
      + `<rect x="${x}" y="${labelY - font}" width="${Math.round(label.length * font * 0.6) + 8}" height="${font + 4}" fill="${colour}"/>`
      + `<text x="${x + 4}" y="${labelY}" font-family="DejaVu Sans, Arial, sans-serif" font-size="${font}" fill="#ffffff">${escapeXml(label)}</text>`;
  }).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes}</svg>`;
  return image.composite([{ input: Buffer.from(svg), top: 0, left: 0 }]).png().toBuffer();
}
