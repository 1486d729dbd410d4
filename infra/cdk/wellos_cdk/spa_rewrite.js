// CloudFront Function (viewer request) on the office app's default behaviour: a path
// without a file extension is one of the single-page app's routes (/wells/42, /alerts),
// so it gets index.html; files (/assets/index-1a2b.js, /favicon.ico) pass unchanged.
// The API's paths never reach it: they have their own behaviours.
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var last = uri.substring(uri.lastIndexOf("/") + 1);
  if (last.indexOf(".") === -1) {
    request.uri = "/index.html";
  }
  return request;
}
