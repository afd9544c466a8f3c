// The console's only two static files, served from here (no CDN: the machines are offline). The script
// shows times in the reader's zone and refreshes the live part of a page when the bot delivers something
// (Server-Sent Events); without it every page still works by reloading.
export const CONSOLE_CSS = `
:root{--fg:#1b1f24;--muted:#5b6470;--bg:#f6f7f9;--card:#fff;--line:#d8dde3;--accent:#0b5cad;--danger:#b3261e;--ok:#1e7a34;--warn:#8a5a00}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #ffbf47;outline-offset:1px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px 8px;z-index:2}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
header.top{display:flex;flex-wrap:wrap;gap:12px 24px;align-items:center;padding:8px 16px;background:#14213d;color:#fff}
header.top a{color:#fff;margin-right:12px}.brand{font-weight:700;text-decoration:none}.brand span{font-weight:400;opacity:.8}
header.top form{display:flex;gap:6px;align-items:center;margin:0}header.top .ahead{color:#ffd166}
main{padding:16px;max-width:1400px;margin:0 auto}footer{padding:12px 16px;color:var(--muted);font-size:13px}
h1{font-size:22px;margin:.2em 0 .5em}h2{font-size:17px;margin:0 0 .5em}h3{font-size:15px;margin:1em 0 .3em}
.card{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:12px 14px;margin-bottom:14px}
.room{display:grid;grid-template-columns:minmax(0,1.1fr) minmax(0,1fr);gap:14px}@media(max-width:900px){.room{grid-template-columns:1fr}}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:6px 14px;margin:0}.facts dt{color:var(--muted);font-size:13px}.facts dd{margin:0}
.drill{background:#fff4d6;border-left:4px solid var(--warn);padding:4px 8px}.badge{font-size:12px;border:1px solid var(--line);border-radius:3px;padding:0 4px}.badge.drill{background:#fff4d6}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:5px 6px;border-bottom:1px solid var(--line);vertical-align:top}
.roles th,.workstreams th{width:34%}.row-actions{display:flex;flex-wrap:wrap;gap:4px;justify-content:flex-end}
form.press{display:inline-flex;gap:4px;margin:0}
button,.button{font:inherit;padding:4px 10px;border:1px solid #8a94a0;border-radius:4px;background:#fff;color:var(--fg);cursor:pointer;text-decoration:none;display:inline-block}
button.primary,.button.primary{background:var(--accent);border-color:var(--accent);color:#fff}button.danger,.button.danger{background:var(--danger);border-color:var(--danger);color:#fff}
.actions{display:flex;flex-wrap:wrap;gap:6px;margin:10px 0}
.items{list-style:none;padding:0;margin:0}.items li{display:flex;justify-content:space-between;gap:8px;padding:6px 0;border-bottom:1px solid var(--line)}.items small{display:block;color:var(--muted)}
.items li.marked{color:var(--muted)}.reason{width:9em}
.open.required{color:var(--warn);font-weight:600}.status{color:var(--muted);font-size:13px;padding-left:18px}
.post{border-left:3px solid var(--accent);padding:4px 10px;margin:8px 0}.post.drill{border-left-color:var(--warn)}.post header{display:flex;justify-content:space-between;gap:8px}.post footer{color:var(--muted);font-size:12px;padding:0}.post p{margin:.3em 0}
.post time,.log time{color:var(--muted);font-size:12px;white-space:nowrap}.log{padding-left:18px;font-size:14px;max-height:320px;overflow:auto}
.flash{background:#e8f1fb;border:1px solid #b6d0ee;border-radius:6px;padding:8px 12px;margin-bottom:12px}.flash>div+div{margin-top:6px}
.say{margin-bottom:14px}.say label{display:block;margin-bottom:4px}.say-row{display:flex;gap:8px}.say-row input{flex:1;font:inherit;padding:6px}
.form-card{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:14px 18px;max-width:760px}
.field{margin:12px 0;border:0;padding:0}.field>label,legend{display:block;font-weight:600;margin-bottom:3px}.field input[type=text],.field textarea,.field select{width:100%;font:inherit;padding:6px}
.choices label,.checks label{display:block;margin:3px 0}.choices small,.checks small{color:var(--muted)}.hint{color:var(--muted);margin:2px 0 4px;font-size:13px}
.error{color:var(--danger);font-weight:600}.req{color:var(--danger)}.note{color:var(--muted)}
.timeline img{max-width:100%;height:auto}[hidden]{display:none!important}.ok{color:var(--ok)}.bad{color:var(--danger)}pre{white-space:pre-wrap;background:#f0f2f5;padding:8px}
.empty{color:var(--muted)}.steps li.fail{color:var(--danger)}#stale{margin-bottom:10px;background:#fff4d6}
`;

export const CONSOLE_JS = `
(function(){
  function localTimes(root){
    root.querySelectorAll('time[datetime]').forEach(function(t){
      var d=new Date(t.getAttribute('datetime'));
      if(isNaN(d)) return;
      t.title=t.textContent;
      t.textContent=d.toLocaleString([], {month:'short',day:'numeric',hour:'2-digit',minute:'2-digit'});
    });
  }
  localTimes(document);
  var main=document.getElementById('main');
  var kind=main&&main.dataset.live; if(!kind||!window.EventSource) return;
  var id=main.dataset.id, region=document.getElementById('live'), pending=null, busy=false;
  function wanted(e){
    if(kind==='home') return !!e.incident;
    if(kind==='incident') return e.incident===id||!!e.user||!!e.stakeholders;
    if(kind==='stakeholders') return !!e.stakeholders||!!e.incident;
    if(kind==='drill') return e.drill===id;
    return false;
  }
  // Someone typing a reason or choosing a person in the region keeps what they did: the refresh waits
  // (until they leave the control, or press the "new activity" button).
  function editing(){
    var a=document.activeElement;
    if(a&&region.contains(a)&&/^(INPUT|SELECT|TEXTAREA)$/.test(a.tagName)) return true;
    return Array.prototype.some.call(region.querySelectorAll('input:not([type=hidden]),select,textarea'),function(el){
      if(el.tagName==='SELECT') return el.selectedIndex!==Array.prototype.findIndex.call(el.options,function(o){return o.defaultSelected;})&&el.selectedIndex>0;
      return el.value!==el.defaultValue;
    });
  }
  var stale=document.createElement('button');
  stale.type='button'; stale.id='stale'; stale.hidden=true; stale.textContent='New activity: show it';
  stale.onclick=function(){ stale.hidden=true; force=true; refresh(); };
  region.parentNode.insertBefore(stale, region);
  var force=false;
  region.addEventListener('focusout',function(){ setTimeout(function(){ if(!stale.hidden&&!editing()){ stale.hidden=true; refresh(); } },50); });
  function refresh(){
    if(!force&&editing()){ stale.hidden=false; return; }
    force=false;
    if(busy){clearTimeout(pending);pending=setTimeout(refresh,150);return;}
    busy=true; pending=null;
    var focused=document.activeElement&&document.activeElement.id;
    fetch(location.pathname+'?fragment=live',{credentials:'same-origin',cache:'no-store'}).then(function(r){
      if(!r.ok) throw new Error(r.status); return r.text();
    }).then(function(html){
      region.innerHTML=html; localTimes(region);
      document.body.dataset.refreshed=String(Date.now());
      if(focused){var el=document.getElementById(focused); if(el) el.focus();}
    }).catch(function(){}).then(function(){busy=false;});
  }
  var es=new EventSource('/events');
  var seen=Number(main.dataset.seq||0);
  es.onmessage=function(m){ try{
    var e=JSON.parse(m.data);
    // On (re)connecting: refetch only if something happened since this page was rendered or refreshed.
    if(e.hello!==undefined){ if(e.hello>seen){ seen=e.hello; refresh(); } return; }
    seen=Math.max(seen,e.seq||0);
    if(wanted(e)){ clearTimeout(pending); pending=setTimeout(refresh,100);}
  }catch(x){} };
  es.onopen=function(){ document.body.dataset.live='connected'; };
})();
`;
