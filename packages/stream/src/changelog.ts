export function changelogTopic(group: string, store: string): string {
  return `${group}.${store}.changelog`;
}
