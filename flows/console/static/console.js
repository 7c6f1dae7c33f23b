// The one script of the console: the 催报 page's copy button (the text stays selectable without it),
// and the chosen 修改稿's name shown in Chinese beside its button (the browser's own words may be English).
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
document.addEventListener("change", function (e) {
  var id = e.target.getAttribute && e.target.getAttribute("data-shows");
  if (!id) return;
  var f = e.target.files && e.target.files[0];
  document.getElementById(id).textContent = f ? "已选择：" + f.name : "未选择";
});
