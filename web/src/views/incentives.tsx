export default function View() {
  return <p>incentives</p>;
}
