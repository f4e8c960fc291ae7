export default function View() {
  return <p>training</p>;
}
