/** multipart/form-data bodies as libcurl builds them for an array of fields (PHP's CURLOPT_POSTFIELDS). */

export const BOUNDARY = "------------------------a1b2c3d4e5f60718";

/** A part: a text field, or a file (with a filename and a content type) when `file` is set. */
export type Part = [name: string, value: string, file?: { filename: string; type: string }];

export function multipartBody(parts: Part[], boundary = BOUNDARY): { body: string; contentType: string } {
  const chunks = parts.map(([name, value, file]) => {
    const disposition = `Content-Disposition: form-data; name="${name}"${file ? `; filename="${file.filename}"` : ""}`;
    const type = file ? `\r\nContent-Type: ${file.type}` : "";
    return `--${boundary}\r\n${disposition}${type}\r\n\r\n${value}\r\n`;
  });
  return { body: `${chunks.join("")}--${boundary}--\r\n`, contentType: `multipart/form-data; boundary=${boundary}` };
}
