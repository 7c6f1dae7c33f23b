// The one script of the console: the 催报 page's copy button (the text stays selectable without it).
document.addEventListener("click", function (e) {
  var id = e.target.getAttribute && e.target.getAttribute("data-copy");
  if (!id) return;
  var box = document.getElementById(id), said = document.getElementById("copied");
  box.select();
  var done = function () { if (said) said.textContent = "已复制，可粘贴到微信群"; };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(box.value).then(done, function () { document.execCommand("copy"); done(); });
  } else { document.execCommand("copy"); done(); }
});
