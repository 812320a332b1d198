/* A print / close bar on printable forms opened from the app (hidden on paper). */
(() => {
  const bar = document.createElement('div');
  bar.className = 'mc-toolbar';
  bar.setAttribute('role', 'toolbar');
  bar.setAttribute('aria-label', 'Thao tác với biểu mẫu');
  const print = document.createElement('button');
  print.type = 'button';
  print.textContent = 'In biểu mẫu (Ctrl+P)';
  print.addEventListener('click', () => window.print());
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = 'Đóng (Esc)';
  close.addEventListener('click', () => window.close());
  bar.append(print, close);
  document.body.prepend(bar);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') window.close();
  });
  print.focus();
})();
