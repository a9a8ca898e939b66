<?php
// The request a PHP app makes with ext/curl when it posts an array of fields, as HipChat's own PHP
// library did for v1 calls (curl_setopt CURLOPT_POSTFIELDS with an array): libcurl then sends
// multipart/form-data. With "urlencoded" the same fields go through http_build_query instead, the
// other common PHP style (application/x-www-form-urlencoded). Written for these tests; it is not a
// published client (no PHP HipChat library is packaged in Debian or npm).
//
//   php curl-post.php URL multipart|urlencoded '{"field": "value", …}'
//
// Prints one JSON line: the status, the response's content type and body, and the request's
// Content-Type header as curl sent it.
[$script, $url, $style, $json] = $argv;
$fields = json_decode($json, true);

$ch = curl_init($url);
curl_setopt($ch, CURLOPT_POST, 1);
curl_setopt($ch, CURLOPT_POSTFIELDS, $style === 'multipart' ? $fields : http_build_query($fields));
curl_setopt($ch, CURLOPT_RETURNTRANSFER, 1);
curl_setopt($ch, CURLINFO_HEADER_OUT, true);
curl_setopt($ch, CURLOPT_TIMEOUT, 30);
$body = curl_exec($ch);
if ($body === false) {
  echo json_encode(['curl_error' => curl_error($ch)]), "\n";
  exit(1);
}
preg_match('/^content-type:\s*(.*?)\r?$/mi', curl_getinfo($ch, CURLINFO_HEADER_OUT), $sent);
echo json_encode([
  'status' => curl_getinfo($ch, CURLINFO_HTTP_CODE),
  'content_type' => curl_getinfo($ch, CURLINFO_CONTENT_TYPE),
  'body' => json_decode($body, true),
  'request_content_type' => $sent[1] ?? null,
]), "\n";
