// What the evidence fetcher may download: https addresses on Microsoft's file hosts, or the configured Graph's
// own origin; never an internal host someone typed into a message.
import { describe, expect, it } from 'vitest';
import { allowedUrl } from '../../../../src/platforms/teams/graph/file-download.js';

describe('allowedUrl', () => {
  it('takes SharePoint, OneDrive and Graph over https', () => {
    expect(allowedUrl('https://contoso.sharepoint.com/sites/x/_layouts/15/download.aspx?UniqueId=1')).toBe(
      true,
    );
    expect(allowedUrl('https://contoso-my.sharepoint.com/personal/a/Documents/f.txt')).toBe(true);
    expect(allowedUrl('https://graph.microsoft.com/v1.0/shares/u!abc/driveItem/content')).toBe(true);
  });

  it('refuses http, other hosts, internal addresses and look-alikes', () => {
    expect(allowedUrl('http://contoso.sharepoint.com/f.txt')).toBe(false);
    expect(allowedUrl('https://169.254.169.254/latest/meta-data/')).toBe(false);
    expect(allowedUrl('https://10.0.0.5/internal')).toBe(false);
    expect(allowedUrl('http://127.0.0.1:8080/admin')).toBe(false);
    expect(allowedUrl('https://sharepoint.com.evil.example/f')).toBe(false);
    expect(allowedUrl('not a url')).toBe(false);
  });

  it("takes the configured Graph's own origin (tests point GRAPH_API_URL at a fake there)", () => {
    expect(allowedUrl('http://127.0.0.1:4010/download/f1', 'http://127.0.0.1:4010')).toBe(true);
    expect(allowedUrl('http://127.0.0.1:4011/download/f1', 'http://127.0.0.1:4010')).toBe(false);
  });
});
